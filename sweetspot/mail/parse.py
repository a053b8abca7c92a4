"""Raw mail bytes -> :class:`ParsedMessage` (standard library ``email``; pure, no Django).

``parse(raw)`` never raises: every header and part is read inside a guard and degrades to an
empty value (a header the modern ``email.policy.default`` parser cannot fold is read again from
a ``compat32`` parse of the same bytes; a part whose charset is unknown is decoded as UTF-8 with
replacement characters). Nothing here renders HTML: an HTML-only message is converted to text
with the standard library ``html.parser`` (block tags become line breaks; paragraphs,
headings, lists and tables are set apart by a blank line; ``<script>``/``<style>`` content is
dropped; ``<blockquote>`` lines are prefixed with ``> `` so the quote cutter recognises them).
nh3 is not needed: no HTML is ever kept, only the text nodes the parser reports.

Conventions:

* the sender is the first From address, lowercased ("" when there is none);
* Message-IDs are kept without their angle brackets and compared case-sensitively
  (only the domain check in triage ignores case);
* the body is the first ``text/plain`` part that is not an attachment (unless it is blank and
  there is HTML), else the first ``text/html`` part converted to text; parts inside an
  attached ``message/rfc822`` are not part of the body;
* attachments are the parts with a filename (path components removed), with their decoded size;
* ``attached_headers`` are the headers of attached ``message/rfc822`` and
  ``text/rfc822-headers`` parts (for bounces: the original's Message-ID and subject).

``strip_quoted(text)`` is the one place that cuts quoted history and signatures; see its
docstring for why it is written here instead of using mail-parser-reply.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses
from html.parser import HTMLParser

# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Attachment:
    filename: str
    size: int  # decoded bytes
    content_type: str
    content: bytes = field(repr=False, default=b"")

    @property
    def extension(self) -> str:
        """Lower-case extension without the dot ("" when the name has none)."""
        name = self.filename.rstrip(". ")
        if "." not in name:
            return ""
        return name.rsplit(".", 1)[1].strip().lower()


@dataclass(frozen=True)
class AttachedHeaders:
    """Headers of an attached message/rfc822 or text/rfc822-headers part."""

    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str


@dataclass(frozen=True)
class ParsedMessage:
    sender: str = ""
    message_id: str = ""
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""  # text part, else HTML converted to text; line endings are "\n"
    body_is_html: bool = False
    attachments: tuple[Attachment, ...] = ()
    attached_headers: tuple[AttachedHeaders, ...] = ()
    content_type: str = "text/plain"  # top-level, lower case
    report_type: str = ""  # multipart/report's report-type parameter, lower case
    part_types: tuple[str, ...] = ()  # every content type in the tree, lower case
    importance: str = ""
    x_priority: str = ""
    auto_submitted: str = ""
    precedence: str = ""
    x_auto_response_suppress: str = ""
    list_id: str = ""
    date: str = ""


# ---------------------------------------------------------------------------------------------
# Headers

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BRACKETED = re.compile(r"<([^<>]*)>")


def _clean_header(value: str) -> str:
    return _CONTROL.sub(" ", value.replace("\r", " ").replace("\n", " ")).strip()


def _decode_raw(value: str) -> str:
    """Decode RFC 2047 words in a raw (compat32) header value; fall back to the raw text."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # any malformed encoded word degrades to the raw text
        return value


def _header(msg: Message, compat: Message | None, name: str) -> str:
    """The first ``name`` header, decoded; "" when absent or unreadable."""
    try:
        value = msg.get(name)
        if value is not None:
            return _clean_header(str(value))
    except Exception:  # noqa: S110 - the modern parser can fail on malformed headers
        pass
    if compat is None:
        return ""
    try:
        raw = compat.get(name)
        if raw is None:
            return ""
        return _clean_header(_decode_raw(str(raw)))
    except Exception:
        return ""


def _raw_header(msg: Message, compat: Message | None, name: str) -> str:
    """The first ``name`` header as written (no RFC 2047 decoding); for ids and addresses."""
    for source in (compat, msg):
        if source is None:
            continue
        try:
            raw = source.get(name)
            if raw is not None:
                return _clean_header(str(raw))
        except Exception:  # noqa: S112
            continue
    return ""


def message_ids(value: str) -> tuple[str, ...]:
    """The Message-IDs in a header value, without angle brackets, in order, de-duplicated.

    Bracketed ids are taken when there are any, else whitespace-separated words.
    """
    found = _BRACKETED.findall(value) or value.split()
    out: list[str] = []
    for item in found:
        item = item.strip().strip("<>").strip()
        if item and item not in out:
            out.append(item)
    return tuple(out)


def first_message_id(value: str) -> str:
    ids = message_ids(value)
    return ids[0] if ids else ""


def _sender(msg: Message, compat: Message | None) -> str:
    try:
        header = msg.get("From")
        if header is not None:
            for address in getattr(header, "addresses", ()):
                addr = (address.addr_spec or "").strip().lower()
                if addr and addr != "<>":
                    return addr
    except Exception:  # noqa: S110 - fall back to the lenient compat32 parse below
        pass
    raw = _raw_header(msg, compat, "From")
    if not raw:
        return ""
    try:
        for _name, addr in getaddresses([raw]):
            addr = addr.strip().lower()
            if addr:
                return addr
    except Exception:
        return ""
    return ""


# ---------------------------------------------------------------------------------------------
# Parts


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # malformed RFC 2231 parameters
        name = None
    if not name:
        return ""
    name = _clean_header(str(name))
    name = re.split(r"[/\\]", name)[-1].strip()
    return name


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    try:
        payload = part.get_payload()
    except Exception:
        return b""
    if isinstance(payload, list):  # an attached message: its serialised form
        try:
            return b"".join(p.as_bytes() for p in payload if isinstance(p, Message))
        except Exception:
            return b""
    if isinstance(payload, str):
        return payload.encode("utf-8", "replace")
    return b""


def _text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except Exception:  # noqa: S110 - unknown charset, bad transfer encoding: decode by hand
        pass
    data = _payload_bytes(part)
    charset = "utf-8"
    with contextlib.suppress(Exception):
        charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except (LookupError, ValueError):
        return data.decode("utf-8", "replace")


def _children(part: Message) -> list[Message]:
    try:
        payload = part.get_payload()
    except Exception:
        return []
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    return []


def _walk(part: Message, depth: int = 0) -> Iterator[tuple[Message, bool]]:
    """Yield (part, inside_attached_message) depth-first, bounded against hostile nesting."""
    if depth > 40:
        return
    yield part, False
    ctype = _content_type(part)
    for child in _children(part):
        if ctype.startswith("message/"):  # attached mail, delivery-status header blocks
            for sub, _inside in _walk(child, depth + 1):
                yield sub, True
        else:
            yield from _walk(child, depth + 1)


def _headers_of(part: Message) -> AttachedHeaders | None:
    """Headers of an attached message (message/rfc822) or header block (text/rfc822-headers)."""
    ctype = _content_type(part)
    inner: Message | None = None
    if ctype in ("message/rfc822", "message/global"):
        children = _children(part)
        inner = children[0] if children else None
    elif ctype == "text/rfc822-headers":
        text = _text(part)
        try:
            inner = email.message_from_string(text.lstrip("\r\n"), policy=email.policy.compat32)
        except Exception:
            inner = None
    if inner is None:
        return None
    return AttachedHeaders(
        message_id=first_message_id(_raw_header(inner, None, "Message-ID")),
        in_reply_to=message_ids(_raw_header(inner, None, "In-Reply-To")),
        references=message_ids(_raw_header(inner, None, "References")),
        subject=_header(inner, None, "Subject"),
    )


# ---------------------------------------------------------------------------------------------
# HTML to text

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
_CELL_TAGS = frozenset({"td", "th"})
# Blocks a browser sets apart with a margin: a blank line before and after them.
_PARAGRAPH_TAGS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl", "hr"]
)


class _HTMLText(HTMLParser):
    """Text of an HTML document, the way a browser lays it out: a block boundary (div, li, tr,
    ...) is one line break, a paragraph-like block (p, h1-h6, blockquote, pre, table, lists)
    is set apart by a blank line, ``<br>`` always is one line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote_depth = 0
        self.line_depth = 0
        self.skip = 0
        self.pre = 0
        self.pending_blank = False

    def _flush(self, keep_empty: bool) -> None:
        line = "".join(self.current)
        line = line.rstrip() if self.pre else line.strip()
        self.current = []
        if line or keep_empty:
            if line and self.pending_blank and self.lines and self.lines[-1]:
                self.lines.append("")
            self.pending_blank = False
            prefix = "> " * self.line_depth
            self.lines.append((prefix + line).rstrip())
        self.line_depth = self.quote_depth

    def _block(self, tag: str) -> None:
        self._flush(keep_empty=False)
        if tag in _PARAGRAPH_TAGS:
            self.pending_blank = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag == "br":
            self._flush(keep_empty=True)
        elif tag in _BLOCK_TAGS:
            self._block(tag)
            if tag == "blockquote":
                self.quote_depth += 1
                self.line_depth = self.quote_depth
            elif tag == "pre":
                self.pre += 1
        elif tag in _CELL_TAGS and self.current:
            self.current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self._block(tag)
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
                self.line_depth = self.quote_depth
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            pieces = data.split("\n")
            for i, piece in enumerate(pieces):
                if i:
                    self._flush(keep_empty=True)
                self.current.append(piece)
            return
        text = re.sub(r"\s+", " ", data)
        if not self.current:
            self.line_depth = self.quote_depth
            text = text.lstrip()
        if text:
            self.current.append(text)

    def text(self) -> str:
        self._flush(keep_empty=False)
        return "\n".join(self.lines)


def html_to_text(html: str) -> str:
    """Plain text of an HTML body (never rendered); "" if the parser gives up."""
    parser = _HTMLText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: S110 - html.parser is lenient, but never let HTML crash intake
        pass
    return parser.text()


# ---------------------------------------------------------------------------------------------
# Quoted history and signatures

_ON_WROTE_START = re.compile(r"^\s*On\s", re.IGNORECASE)
_WROTE_END = re.compile(r"wrote:\s*$", re.IGNORECASE)
_ORIGINAL = re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE)
_OUTLOOK_FROM = re.compile(r"^\s*\*?From:\*?\s*\S", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\s*\*?(Sent|Date):\*?\s*\S", re.IGNORECASE)
_OUTLOOK_FIELD = re.compile(r"^\s*\*?(To|Cc|Subject|Importance):\*?", re.IGNORECASE)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")


def _cut_at(lines: list[str], i: int) -> bool:
    """True when quoted history (or the signature) starts at line ``i``."""
    line = lines[i]
    if line.rstrip() == "--":  # "-- " signature separator (trailing space often lost)
        return True
    if _ORIGINAL.match(line):
        return True
    if _ON_WROTE_START.match(line):
        # "On <date>, <name> wrote:" - Gmail wraps it over up to three lines.
        for j in range(i, min(i + 3, len(lines))):
            if _WROTE_END.search(lines[j]):
                return True
            if j > i and not lines[j].strip():
                break
        return False
    if _OUTLOOK_FROM.match(line):
        # Outlook's block: From: then Sent:/Date: within the next few header-like lines.
        for j in range(i + 1, min(i + 5, len(lines))):
            if _OUTLOOK_SENT.match(lines[j]):
                return True
            if not _OUTLOOK_FIELD.match(lines[j]):
                return False
        return False
    return False


def strip_quoted(text: str) -> str:
    """Cut quoted history and the signature from a reply's text.

    Removes every line starting with ``>`` (after optional spaces), and cuts everything from
    the first of: an "On … wrote:" line (also wrapped over up to three lines), a
    "-----Original Message-----" line, an Outlook header block (``From:`` followed by
    ``Sent:``/``Date:`` within four header lines, with the ``____`` rule above it), or a
    ``-- `` signature line. Trailing blank lines are removed.

    Written here rather than with mail-parser-reply (installed as ``mailparser_reply``) because
    that package cuts far more than these rules: any line starting with "Best regards",
    "Thanks," or "regards," and everything after it, any line starting with "- " (so a bulleted
    list of symptoms vanished), "Warning:"/"CAUTION:" paragraphs as disclaimers, and any two
    consecutive "To:"/"Subject:" lines; it also strips every line. A client's problem
    description must survive intact, so the rules are the issue's and nothing more.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _cut_at(lines, i):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    # An Outlook separator rule just above the cut belongs to the history.
    while kept and (not kept[-1].strip() or _UNDERSCORES.match(kept[-1])):
        kept.pop()
    return "\n".join(kept)


_HSPACE = re.compile(
    r"(?:[^\S\n]|[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff])+"
)


def normalise_whitespace(text: str) -> str:
    """Line endings to "\\n", runs of spaces/tabs/control characters to one space, lines
    trimmed, runs of blank lines to one blank line, the whole trimmed."""
    out: list[str] = []
    for line in text.splitlines():
        line = _HSPACE.sub(" ", line).strip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# The message


def _load(raw: bytes) -> tuple[Message, Message | None]:
    compat: Message | None
    try:
        compat = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception:
        compat = None
    try:
        msg: Message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception:  # degrade to the lenient parse, then to nothing
        msg = compat if compat is not None else Message()
    return msg, compat


def parse(raw: bytes) -> ParsedMessage:
    """Parse raw message bytes; never raises (a hopeless message gives mostly empty fields)."""
    try:
        return _parse(raw)
    except Exception:  # last resort: triage still gets a message (quarantine)
        return ParsedMessage()


def _parse(raw: bytes) -> ParsedMessage:
    msg, compat = _load(raw)
    text_body: str | None = None
    html_body: str | None = None
    attachments: list[Attachment] = []
    attached: list[AttachedHeaders] = []
    part_types: list[str] = []
    for part, inside in _walk(msg):
        ctype = _content_type(part)
        part_types.append(ctype)
        if inside:
            continue
        if ctype in ("message/rfc822", "message/global", "text/rfc822-headers"):
            headers = _headers_of(part)
            if headers is not None:
                attached.append(headers)
        if ctype.startswith("multipart/"):
            continue
        name = _filename(part)
        if name:
            data = _payload_bytes(part)
            attachments.append(Attachment(name, len(data), ctype, data))
            continue
        if _disposition(part) == "attachment" or (part is not msg and ctype.startswith("message/")):
            continue
        if ctype == "text/plain" and text_body is None:
            text_body = _text(part)
        elif ctype == "text/html" and html_body is None:
            html_body = _text(part)
    if text_body is not None and (text_body.strip() or html_body is None):
        body, is_html = text_body, False
    elif html_body is not None:
        body, is_html = html_to_text(html_body), True
    else:
        body, is_html = "", False
    report_type = ""
    try:
        report_type = str(msg.get_param("report-type", "") or "").lower()
    except Exception:
        report_type = ""
    return ParsedMessage(
        sender=_sender(msg, compat),
        message_id=first_message_id(_raw_header(msg, compat, "Message-ID")),
        in_reply_to=message_ids(_raw_header(msg, compat, "In-Reply-To")),
        references=message_ids(_raw_header(msg, compat, "References")),
        subject=_header(msg, compat, "Subject"),
        body=body.replace("\r\n", "\n").replace("\r", "\n"),
        body_is_html=is_html,
        attachments=tuple(attachments),
        attached_headers=tuple(attached),
        content_type=_content_type(msg),
        report_type=report_type,
        part_types=tuple(part_types),
        importance=_header(msg, compat, "Importance"),
        x_priority=_header(msg, compat, "X-Priority"),
        auto_submitted=_header(msg, compat, "Auto-Submitted"),
        precedence=_header(msg, compat, "Precedence"),
        x_auto_response_suppress=_header(msg, compat, "X-Auto-Response-Suppress"),
        list_id=_header(msg, compat, "List-Id"),
        date=_header(msg, compat, "Date"),
    )
