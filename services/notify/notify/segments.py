"""How an SMS is cut into segments: GSM-7 when every character fits it, UCS-2 otherwise.

GSM-7 carries 160 septets in one message, 153 per part once a message is split (the rest is the
concatenation header); characters of the extension table (^{}[]~|€ and the backslash) take two septets
and are never split across parts. UCS-2 carries 70 UTF-16 units, 67 per part; a surrogate pair stays whole.
"""
from dataclasses import dataclass

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")

LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}


@dataclass(frozen=True)
class Segmented:
    encoding: str  # GSM-7 | UCS-2
    parts: list[str]


def encoding_of(text: str) -> str:
    return "GSM-7" if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else "UCS-2"


def _cost(char: str, encoding: str) -> int:
    if encoding == "GSM-7":
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1  # UTF-16 units


def segment(text: str) -> Segmented:
    encoding = encoding_of(text)
    single, per_part = LIMITS[encoding]
    if sum(_cost(c, encoding) for c in text) <= single:
        return Segmented(encoding, [text] if text else [])
    parts, current, used = [], [], 0
    for char in text:
        cost = _cost(char, encoding)
        if used + cost > per_part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += cost
    parts.append("".join(current))
    return Segmented(encoding, parts)
