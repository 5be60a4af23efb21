"""What the crawl checks on each page, apart from the browser: the language of its text, the
numbers' decimal sign and minus sign.

The page's text is collected in the browser (`COLLECT_TEXT`): every text node of the body and
the attributes people read (title, aria-label, placeholder, alt, a button's value), except what
is not the interface's own words — anything inside an element marked `translate="no"` or
`data-user-content` (names, a framework's wording, notes people wrote), or inside an element
whose `lang` says it is in another language (the language menu's "Svenska"/"English"), and
code, scripts and styles.

Two deterministic tests of language, word for word, no guessing:
- stop words: short function words that only one of the two languages uses ("the", "and",
  "your" on a Swedish page; "och", "att", "inte" on an English one), and month and weekday names
  that differ;
- the catalogues: a text that is exactly a msgid whose Swedish msgstr differs, on a Swedish page,
  was not translated when the page was made (e.g. gettext() called at import time); a text that
  is exactly such a msgstr, on an English page, is Swedish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Function words only one language uses (the other's words that look the same are left out:
# "in", "by", "man", "from", "be", "is", "a", "under", "over", "start"...).
ENGLISH_WORDS = frozenset(
    """the and of with your not this that these those are was were will would should could
    have has been being which what when where who whose there their they them you yours our
    for to on at or but if than then into about after before each every all any some yes
    please can't don't isn't aren't won't here its it's january february march may june july
    october monday tuesday wednesday thursday friday saturday sunday""".split()
)
SWEDISH_WORDS = frozenset(
    """och att inte för med på är som av det den till har ett eller om vid från efter inga
    alla finns vi ni du din ditt dina här där när också men så än hur vad vilka vilken ska
    kan måste eller ingen inget mellan sedan utan bara redan januari februari mars maj juni
    juli augusti oktober måndag tisdag onsdag torsdag fredag lördag söndag""".split()
)
WORD = re.compile(r"[a-zåäöéü]+(?:'[a-z]+)?")

# A number with the other language's decimal sign, and a hyphen-minus in front of a number.
DECIMAL_POINT = re.compile(r"(?<![\w.,:/-])\d+\.\d+(?![\w.]|,\d)")
DECIMAL_COMMA = re.compile(r"(?<![\w.,:/-])\d+,\d{1,2}(?![\w,]|\.\d)")
HYPHEN_MINUS = re.compile(r"(?:^|(?<=[\s(=:]))-\d")

COLLECT_TEXT = """() => {
  const lang = document.documentElement.lang;
  const skip = 'script,style,noscript,template,code,pre,textarea,[translate="no"],[data-user-content]';
  const foreign = (el) => {
    const marked = el.closest('[lang]');
    return marked && marked !== document.documentElement && marked.lang !== lang;
  };
  const where = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      let part = e.tagName.toLowerCase();
      if (e.id) part += '#' + e.id;
      else if (e.classList.length) part += '.' + [...e.classList].slice(0, 2).join('.');
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    const el = node.parentElement;
    if (!text || !el || el.closest(skip) || foreign(el)) continue;
    found.push({text, where: where(el), numeric: !!el.closest('td,th,data,.num,[data-figure]')});
  }
  const attrs = ['title', 'aria-label', 'placeholder', 'alt'];
  for (const el of document.querySelectorAll('[title],[aria-label],[placeholder],[alt],input[type=submit][value],input[type=button][value]')) {
    if (el.closest(skip) || foreign(el)) continue;
    for (const a of attrs.concat(el.matches('input') ? ['value'] : [])) {
      const value = (el.getAttribute(a) || '').trim();
      if (value && !(a === 'value' && !el.matches('[type=submit],[type=button]')))
        found.push({text: value, where: where(el) + '[' + a + ']', numeric: false});
    }
  }
  return {lang, title: document.title, texts: found};
}"""


@dataclass(frozen=True)
class Finding:
    kind: str  # language, number, lang, console, overflow, link, slow, other-language-link
    url: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.url}: {self.detail}"


@cache
def catalogue_words() -> tuple[frozenset[str], frozenset[str]]:
    """(English msgids, Swedish msgstrs) of every catalogue's entries whose translation differs,
    each at least two words or eight letters long (short words are too often shared)."""
    import polib

    english: set[str] = set()
    swedish: set[str] = set()
    paths = list((ROOT / "samsyn").glob("*/locale/sv/LC_MESSAGES/django.po"))
    paths += list((ROOT / "locale").glob("sv/LC_MESSAGES/django.po"))
    for path in paths:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.fuzzy or not entry.msgstr or entry.msgid_plural:
                continue
            msgid = " ".join(entry.msgid.split())
            msgstr = " ".join(entry.msgstr.split())
            if "%" in msgid or "{" in msgid or msgid.casefold() == msgstr.casefold():
                continue
            for text, into in ((msgid, english), (msgstr, swedish)):
                if " " in text or len(text) >= 8:
                    into.add(text)
    return frozenset(english - swedish), frozenset(swedish - english)


def without_user_texts(text: str, user_texts: frozenset[str]) -> str:
    """`text` without the people's texts it holds (whole words only, longest first)."""
    if text in user_texts:
        return ""
    inside = sorted((t for t in user_texts if len(t) >= 4 and t in text), key=len, reverse=True)
    for user_text in inside:
        text = re.sub(rf"(?<!\w){re.escape(user_text)}(?!\w)", " ", text)
    return text


def language_findings(
    url: str, lang: str, texts: list[dict], user_texts: frozenset[str] = frozenset()
) -> list[Finding]:
    """The texts of a `lang` page (from COLLECT_TEXT) in the other language, leaving out the
    texts people wrote (`user_texts`, see userdata.py)."""
    foreign_words, own_words = (
        (ENGLISH_WORDS, SWEDISH_WORDS) if lang == "sv" else (SWEDISH_WORDS, ENGLISH_WORDS)
    )
    english_ids, swedish_strs = catalogue_words()
    other_catalogue = english_ids if lang == "sv" else swedish_strs

    def other_words(text: str) -> list[str]:
        """The other language's words, when they outnumber the page language's."""
        words = WORD.findall(text.casefold())
        foreign = [w for w in words if w in foreign_words]
        return foreign if len(foreign) > sum(w in own_words for w in words) else []

    findings = []
    seen = set()
    for item in texts:
        text, where = item["text"], item["where"]
        if (text, where) in seen:
            continue
        seen.add((text, where))

        foreign = other_words(text)
        flagged = bool(foreign) or text in other_catalogue
        if flagged and user_texts:
            # Only then the slower look for the people's texts inside it.
            rest = without_user_texts(text, user_texts).strip()
            foreign = other_words(rest)
            flagged = bool(foreign) or rest in other_catalogue
        if flagged:
            shown = text if len(text) <= 140 else text[:137] + "…"
            why = ", ".join(dict.fromkeys(foreign)) or "a catalogue entry's other language"
            findings.append(Finding("language", url, f"{where}: {shown!r} ({why})"))
        findings += number_findings(url, lang, item)
    return findings


def number_findings(url: str, lang: str, item: dict) -> list[Finding]:
    text, where = item["text"], item["where"]
    found = []
    wrong_decimal = DECIMAL_POINT if lang == "sv" else DECIMAL_COMMA
    if item.get("numeric") and (match := wrong_decimal.search(text)):
        found.append(Finding("number", url, f"{where}: {text!r} ({match.group()}: decimal sign)"))
    if match := HYPHEN_MINUS.search(text):
        found.append(Finding("number", url, f"{where}: {text!r} (hyphen-minus, not U+2212)"))
    return found
