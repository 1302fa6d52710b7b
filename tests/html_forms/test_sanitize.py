"""The sanitiser against a corpus of XSS payloads: nothing executable survives, documents do."""

import re

import pytest

from html_forms.sanitize import sanitize_html

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="http://evil.example/track.png" onload="alert(1)">',
    "<img src=`javascript:alert(1)`>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<img src='//evil.example/a.png'>",
    "<body onload=alert(1)>",
    "<div onmouseover=\"alert('x')\">hover</div>",
    "<p OnClick=alert(1)>click</p>",
    '<a href="javascript:alert(1)">link</a>',
    '<a href="  jAvAsCrIpT:alert(1)">link</a>',
    '<a href="java&#x09;script:alert(1)">tab</a>',
    '<a href="&#x6A;avascript:alert(1)">entity</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data2</a>',
    "<svg onload=alert(1)><circle r=10></circle></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="http://evil.example/x.css">',
    '<base href="javascript:alert(1)//">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<style>@import 'http://evil.example/x.css';</style>",
    '<div style="width: expression(alert(1))">ie</div>',
    '<div style="background-image: url(javascript:alert(1))">bg</div>',
    '<div style="background: url(http://evil.example/track.png)">bg2</div>',
    '<div style="color: red; width: exp\\ression(alert(1))">escaped</div>',
    '<div style="width: expr/**/ession(alert(1))">comment</div>',
    '<div style="behavior: url(x.htc); -moz-binding: url(x.xml#xss)">old</div>',
    '<span style="color: red; position: fixed; top: 0; left: 0; z-index: 9999">overlay</span>',
    "<div style=\"font-family: 'x'; background-color: red;}</style><script>alert(1)</script>\">x</div>",
    "<table background=\"javascript:alert(1)\"><tr><td background='http://evil.example/x.png'>t</td></tr></table>",
    '<td><a href="#" onclick="alert(1)">x</a></td>',
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)//",
    '<img """><script>alert(1)</script>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<details open ontoggle="alert(1)">x</details>',
    '<video><source onerror="alert(1)"></video>',
    '<audio src=x onerror="alert(1)">',
    '<a href="http://ok.example" target="_top" rel="opener">x</a>',
    '<span data-field="purpose" data-bind="alert(1)">x</span>',
    "<template><script>alert(1)</script></template>",
    '<input autofocus onfocus="alert(1)">',
    '<select onchange="alert(1)"><option>x</option></select>',
    '<textarea onfocus="alert(1)">x</textarea>',
    '<isindex action="javascript:alert(1)" type=image>',
    '<marquee onstart="alert(1)">x</marquee>',
    "<p>unclosed <b>bold <i>italic",
    "</td></tr></table><script>alert(1)</script>",
]

# what must never appear in the output of anything: markup that runs or fetches
EXECUTABLE = [
    re.compile(
        r"<\s*/?\s*(script|iframe|object|embed|svg|math|style|link|meta|base|form|input|button|"
        r"textarea|select|video|audio|source|template|marquee|isindex|body|details)\b",
        re.I,
    ),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript\s*:", re.I),
    re.compile(r"vbscript\s*:", re.I),
    re.compile(r"data:text", re.I),
    re.compile(r"data:image/svg", re.I),
    re.compile(r"expression|url\s*\(|behavior|binding|@import", re.I),
    re.compile(r"(src|background)\s*=\s*[\"']?(https?:|file:)?/", re.I),
    re.compile(r"position\s*:", re.I),
    re.compile(r"target=\"_top\"|rel=\"opener\"", re.I),
    re.compile(r"data-bind", re.I),
]


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_nothing_executable_survives(payload):
    cleaned = sanitize_html(payload)
    for pattern in EXECUTABLE:
        assert not pattern.search(cleaned), f"{payload!r} → {cleaned!r}"
    assert sanitize_html(cleaned) == cleaned  # stable: sanitising twice changes nothing


def test_tables_bold_lists_and_colours_are_kept():
    document = (
        '<h2 style="text-align: center">상 담 일 지</h2>'
        '<table border="1" cellpadding="4" style="border-collapse: collapse; width: 100%">'
        '<tr><th style="background-color: #eef3f8">상 호</th><td colspan="2">재근상사</td></tr>'
        '<tr><td rowspan="2" valign="top">주소</td><td width="50%">안산</td></tr></table>'
        "<p><b>굵게</b> <strong>강조</strong> <i>기울임</i> <u>밑줄</u> <s>취소</s></p>"
        '<ul><li>하나</li><li>둘</li></ul><ol start="3"><li>셋</li></ol>'
        '<p><font color="#ff0000">빨강</font> <span style="color: rgb(0, 0, 255); font-weight: bold">파랑</span>'
        ' <span style="background-color: yellow">형광</span></p>'
        '<p><a href="https://gogaek.example/manual">매뉴얼</a> <a href="mailto:a@b.kr">메일</a>'
        ' <a href="tel:02-999-8888">전화</a></p>'
        '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="약도" width="100"></p>'
    )
    cleaned = sanitize_html(document)
    for kept in [
        "<table",
        'border="1"',
        'colspan="2"',
        'rowspan="2"',
        "<th",
        "background-color:#eef3f8",
        "text-align:center",
        "<b>굵게</b>",
        "<strong>강조</strong>",
        "<i>기울임</i>",
        "<u>밑줄</u>",
        "<ul><li>하나</li>",
        '<ol start="3">',
        '<font color="#ff0000">빨강</font>',
        "color:rgb(0, 0, 255)",
        "font-weight:bold",
        "background-color:yellow",
        'href="https://gogaek.example/manual"',
        'href="mailto:a@b.kr"',
        'href="tel:02-999-8888"',
        'src="data:image/png;base64,iVBORw0KGgo="',
        "재근상사",
    ]:
        assert kept in cleaned, kept


def test_remote_and_relative_images_lose_their_source():
    cleaned = sanitize_html(
        '<img src="http://127.0.0.1:9/a.png"><img src="https://cdn.example/b.png">'
        '<img src="/files/3"><img src="file:///etc/passwd"><img src="data:image/png;base64,AAAA">'
    )
    assert cleaned.count("src=") == 1
    assert 'src="data:image/png;base64,AAAA"' in cleaned


def test_text_that_looks_like_markup_is_escaped_not_dropped():
    assert sanitize_html("<p>1 < 2 & 3 > 2</p>") == "<p>1 &lt; 2 &amp; 3 &gt; 2</p>"
    assert sanitize_html("<p>{{company}}</p>") == "<p>{{company}}</p>"
    assert sanitize_html("") == "" and sanitize_html(None) == ""
