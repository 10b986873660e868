"""Staff paste from Word into the editor: paragraphs and lists survive, Word's styling does not."""

from pathlib import Path

from playwright.sync_api import expect

from news.models import Article

# What Word puts on the clipboard (trimmed): styled paragraphs and a list made of
# paragraphs with mso-list styles, which CKEditor's paste-from-Office support turns into a list.
WORD_HTML = (Path(__file__).parent / "fixtures" / "word-paste.html").read_text(encoding="utf-8")

PASTE = """([html, text]) => {
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", text);
  const editable = document.querySelector(".field-body .ck-editor__editable");
  editable.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def test_text_pasted_from_word_keeps_paragraphs_and_lists(seeded, page, admin_login):
    admin_login(page)
    page.goto("/admin/news/article/add/")
    editable = page.locator(".field-body .ck-editor__editable")
    editable.click()
    page.evaluate(PASTE, [WORD_HTML, "园区第一段文字。\n加粗的第二段。\n第一项\n第二项"])

    expect(editable.locator("ul > li")).to_have_text(["第一项", "第二项"])
    expect(editable.locator("strong")).to_have_text("加粗的第二段。")
    expect(editable).to_contain_text("园区第一段文字。")

    page.fill("#id_title", "从 Word 粘贴的文章")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    body = Article.objects.get(title="从 Word 粘贴的文章").body
    assert "<ul><li>第一项</li><li>第二项</li></ul>" in body
    assert "<strong>加粗的第二段。</strong>" in body
    assert "园区第一段文字。" in body
    for word_markup in ("Mso", "mso-", "style=", "<o:p", "font-family", "supportLists"):
        assert word_markup not in body, word_markup
