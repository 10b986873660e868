"""Filling in the admin's change forms from a test, as a browser would submit them unchanged."""

from django import forms


def form_data(response, **changes):
    """The POST data of the admin change form in ``response``, as shown, with ``changes`` applied."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value) if not isinstance(value, list) else value
            for index, (part_widget, part) in enumerate(zip(widget.widgets, parts, strict=True)):
                data[f"{name}_{index}"] = part_widget.format_value(part) or ""
        elif isinstance(field, forms.FileField):
            continue
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    return data
