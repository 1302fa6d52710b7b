"""Server-side HTML sanitising for document templates and visit-report bodies (nh3).

Everything is an explicit allow-list: the tags and attributes a document needs (text formatting,
lists, tables, links, colours, inline images), URL schemes per attribute, and CSS properties with
plain values only. What comes out has no scripts, no event handlers, no `javascript:`/`data:`
links, no SVG/MathML, no CSS functions except colours, and no image that would be fetched from
anywhere: the only images kept are inline `data:image/png|jpeg|gif;base64` pictures (a pasted
screenshot), which neither the browser nor the PDF renderer fetches.

The result is what the browser shows (ui.editor, ui.html) and what is printed."""

from __future__ import annotations

import re

import nh3

from html_forms.templates import PLACEHOLDERS

TAGS = frozenset(
    {
        # text
        "p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "strike", "sub", "sup",
        "font", "small", "big", "mark", "blockquote", "pre", "code", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        # lists
        "ul", "ol", "li",
        # tables
        "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
        # links and inline pictures
        "a", "img",
    }
)  # fmt: skip

# Removed together with their content (everything else unknown is unwrapped, keeping its text).
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "title", "xmp"}
)

_CELL = {"colspan", "rowspan", "align", "valign", "width", "height", "bgcolor"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"style", "title", "align"},
    "table": {"border", "cellpadding", "cellspacing", "width", "bgcolor"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "td": _CELL,
    "th": _CELL,
    "tr": {"valign", "bgcolor"},
    "font": {"color", "size", "face"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "a": {"href", "target"},
    "img": {"src", "alt", "width", "height"},
}

# `data-field` marks where a placeholder value was filled in (html_forms.templates), so a later
# change of, say, the visit purpose can update just that spot.
TAG_ATTRIBUTE_VALUES = {"span": {"data-field": set(PLACEHOLDERS)}}

LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")
URL_SCHEMES = {"http", "https", "mailto", "tel", "data"}
INLINE_IMAGE = re.compile(r"^data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]+$")

CSS_PROPERTIES = frozenset(
    {
        "color", "background-color",
        "font-weight", "font-style", "font-size", "font-family", "text-decoration", "text-decoration-line",
        "text-align", "vertical-align", "text-indent", "line-height", "letter-spacing", "white-space",
        "width", "height", "min-width", "max-width", "min-height",
        "border", "border-top", "border-right", "border-bottom", "border-left",
        "border-width", "border-style", "border-color", "border-collapse", "border-spacing",
        "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
        "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
        "list-style-type", "page-break-before", "page-break-after", "page-break-inside",
    }
)  # fmt: skip
# colour functions are the only CSS functions allowed; anything else with parentheses, escapes,
# comments, at-rules or markup (expression(), url(), \65 xpression, /**/) drops the declaration
_COLOUR_FUNCTION = re.compile(r"\b(?:rgba?|hsla?)\(\s*[-\d.%\s,/]*\)", re.IGNORECASE)
_UNSAFE_CSS = re.compile(r"[\\()<>{}@&/*!;:`]|expression|javascript|behavior|binding", re.IGNORECASE)
_MAX_STYLE = 1000
# an <img> whose source was refused is dropped entirely (the output is nh3's serialisation)
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def _clean_style(style: str) -> str | None:
    kept = []
    for declaration in style[:_MAX_STYLE].split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not colon or name not in CSS_PROPERTIES or not value:
            continue
        if _UNSAFE_CSS.search(_COLOUR_FUNCTION.sub("", value)):
            continue
        kept.append(f"{name}: {value}")
    return "; ".join(kept) or None


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return _clean_style(value)
    if tag == "img" and attribute == "src":
        return value if INLINE_IMAGE.match(value.strip()) else None
    if tag == "a" and attribute == "href":
        return value if value.strip().lower().startswith(LINK_SCHEMES) else None
    if tag == "a" and attribute == "target":
        return "_blank" if value == "_blank" else None
    if tag == "font" and attribute == "face":
        return value if not _UNSAFE_CSS.search(value) else None
    return value


def sanitize_html(html: str | None) -> str:
    """The allow-listed version of `html` (a fragment). Idempotent."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        tag_attribute_values={tag: dict(values) for tag, values in TAG_ATTRIBUTE_VALUES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        filter_style_properties=set(CSS_PROPERTIES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _IMAGE_WITHOUT_SOURCE.sub("", cleaned)
