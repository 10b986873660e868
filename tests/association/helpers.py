"""协会文件: the charter text and helpers shared by the association tests."""

import re

CHARTER_V1 = (
    "<p>第一章 &nbsp;总则</p>"
    "<p>第一条 &nbsp;为规范内部管理,特制定本章程。</p>"
    "<p>第五条 &nbsp;本协会的注册资金为 12万元人民币。</p>"
    "<p>第二章 &nbsp; 协会宗旨和业务范围</p>"
    "<p>第六条 &nbsp;本协会宗旨是:全心全意为会员做好各项协调服务。 第七条 &nbsp;协会的业务范围是:具体为:</p>"
    "<p>(一)组织开展开发区建设与发展调研。</p>"
)


def h1_count(response):
    return len(re.findall(r"<h1[\s>]", response.content.decode()))
