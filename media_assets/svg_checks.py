"""What an SVG may contain before Montage draws it: self-contained, and bounded in cost.

Two checks on the tree defusedxml parsed (see media_assets.svg):

* **References** (`external_references`): every `href`, every `url(...)`
  in an attribute, `style` attribute or `<style>` sheet, and every CSS
  `@import`/`@font-face`, read with tinycss2 as a browser tokenises CSS, so
  escapes (`u\\72l(`, `@\\69mport`) are the names they spell. Only `#id` and
  `data:` references stay inside the file.
* **Cost** (`svg_cost_refusal`): resvg's time grows with what it draws, not
  with the file's size: 1,300 bytes of `<use>` can draw a blurred rect
  10,000 times. So the document is measured as resvg will draw it: elements
  after `<use>` expansion (each `<use>` costs the subtree it names,
  recursively; a cycle is refused), elements drawn through a filter, filter
  primitives, and nesting depth; each has a limit below. A `<style>` rule
  that sets `filter` may apply to any element, so it counts every one.

Limits are generous for titles (a template title is about 10 elements, one
filtered) and far below what stalls resvg (10^3 filtered elements took 20 s).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

import tinycss2

MAX_ELEMENTS = 20_000
MAX_DRAWN_ELEMENTS = 50_000
MAX_FILTERED_ELEMENTS = 100
MAX_FILTER_PRIMITIVES = 200
MAX_DEPTH = 200

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_URL_FUNCTIONS = frozenset({"url", "src", "image", "image-set", "cross-fade", "element"})
_EXTERNAL_AT_RULES = frozenset({"import", "font-face", "namespace"})


def local_name(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def is_internal(reference: str) -> bool:
    value = reference.strip()
    return value == "" or value.startswith("#") or value.lower().startswith("data:")


def external_references(root: Element) -> set[str]:
    """Every reference in the document that points outside it (a URL, a path, or `@import`)."""
    found: set[str] = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in ("href", XLINK_HREF):
                if not is_internal(value):
                    found.add(value.strip())
            elif name == "style":
                found.update(_css_references(tinycss2.parse_blocks_contents(value)))
            else:
                found.update(_css_references(tinycss2.parse_component_value_list(value)))
        if local_name(element) == "style" and element.text:
            found.update(_css_references(tinycss2.parse_stylesheet(element.text)))
    return found


def _css_references(nodes) -> set[str]:
    found: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        kind = getattr(node, "type", "")
        if kind == "url" and not is_internal(node.value):
            found.add(node.value)
        elif kind == "at-rule":
            if node.lower_at_keyword in _EXTERNAL_AT_RULES:
                found.add(f"@{node.lower_at_keyword}")
            stack.extend(node.prelude or ())
            stack.extend(node.content or ())
        elif kind == "function":
            if node.lower_name in _URL_FUNCTIONS:
                strings = [token.value for token in node.arguments if getattr(token, "type", "") in ("string", "url")]
                found.update(value for value in strings if not is_internal(value))
            stack.extend(node.arguments)
        elif kind in ("qualified-rule",):
            stack.extend(node.prelude)
            stack.extend(node.content or ())
        elif kind == "declaration":
            stack.extend(node.value)
        elif kind in ("() block", "[] block", "{} block"):
            stack.extend(node.content)
    return found


def svg_cost_refusal(root: Element) -> str | None:
    """Why the SVG costs too much to draw (a sentence for the uploader), or None when it is within the limits."""
    elements = 0
    primitives = 0
    by_id: dict[str, Element] = {}
    sheet_filters = False
    for element in root.iter():
        elements += 1
        name = local_name(element)
        if name.startswith("fe"):
            primitives += 1
        if element.get("id"):
            by_id.setdefault(element.get("id"), element)
        if name == "style" and element.text and _declares_filter(tinycss2.parse_stylesheet(element.text)):
            sheet_filters = True
    if elements > MAX_ELEMENTS:
        return f"the SVG has {elements:,} elements, over the limit of {MAX_ELEMENTS:,}"
    if primitives > MAX_FILTER_PRIMITIVES:
        return f"the SVG has {primitives:,} filter primitives, over the limit of {MAX_FILTER_PRIMITIVES:,}"
    try:
        drawn, filtered = _drawn_counts(root, by_id, filter_everything=sheet_filters)
    except _Refused as refusal:
        return str(refusal)
    if drawn > MAX_DRAWN_ELEMENTS:
        return (f"the SVG draws more than {MAX_DRAWN_ELEMENTS:,} elements once its <use> references are expanded "
                f"(it has {elements:,})")
    if filtered > MAX_FILTERED_ELEMENTS:
        return f"the SVG draws more than {MAX_FILTERED_ELEMENTS:,} elements through filters"
    return None


class _Refused(Exception):
    pass


def _drawn_counts(root: Element, by_id: dict[str, Element], *, filter_everything: bool) -> tuple[int, int]:
    """(elements drawn, elements drawn through a filter) with every <use> expanded; iterative, memoised, capped."""
    cap = max(MAX_DRAWN_ELEMENTS, MAX_FILTERED_ELEMENTS) + 1
    done: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    stack: list[tuple[Element, int, bool]] = [(root, 1, False)]
    while stack:
        element, depth, expanded = stack.pop()
        key = id(element)
        if key in done:
            continue
        if depth > MAX_DEPTH:
            raise _Refused(f"the SVG nests elements (or <use> references) more than {MAX_DEPTH} deep")
        target = _use_target(element, by_id)
        parts = list(element) + ([target] if target is not None else [])
        if not expanded:
            if key in active:
                raise _Refused("the SVG has a <use> reference that contains itself")
            active.add(key)
            stack.append((element, depth, True))
            for part in parts:
                if id(part) in active:
                    raise _Refused("the SVG has a <use> reference that contains itself")
                if id(part) not in done:
                    stack.append((part, depth + 1, False))
            continue
        active.discard(key)
        own_filter = filter_everything or _has_filter(element)
        drawn = 1 + sum(done[id(part)][0] for part in parts)
        filtered = (1 if own_filter else 0) + sum(done[id(part)][1] for part in parts)
        if own_filter:
            filtered = max(filtered, drawn)  # a filtered group is drawn (and filtered) whole
        done[key] = (min(drawn, cap), min(filtered, cap))
    return done[id(root)]


def _use_target(element: Element, by_id: dict[str, Element]) -> Element | None:
    if local_name(element) != "use":
        return None
    reference = (element.get("href") or element.get(XLINK_HREF) or "").strip()
    return by_id.get(reference[1:]) if reference.startswith("#") else None


def _has_filter(element: Element) -> bool:
    value = element.get("filter", "").strip().lower()
    if value and value != "none":
        return True
    style = element.get("style")
    return bool(style) and _declares_filter(tinycss2.parse_blocks_contents(style))


def _declares_filter(nodes) -> bool:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        kind = getattr(node, "type", "")
        if kind == "declaration" and node.lower_name == "filter":
            if tinycss2.serialize(node.value).strip().lower() not in ("", "none"):
                return True
        elif kind == "qualified-rule":
            stack.extend(tinycss2.parse_blocks_contents(node.content))
        elif kind == "at-rule" and node.content:
            stack.extend(tinycss2.parse_blocks_contents(node.content) if node.lower_at_keyword != "media" else
                         tinycss2.parse_rule_list(node.content))
    return False
