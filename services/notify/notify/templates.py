"""Versioned message templates (templates/messages.yml), rendered per channel and variant with Jinja2.

The environment is sandboxed and undefined parameters are errors, so a template cannot reach into
Python or silently drop a value. Email gets HTML (from one accessible layout) with a plain-text
alternative; WhatsApp the text; SMS the short text.
"""
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from inklusi_platform.contracts.notify import PREVIEW_CHANNELS, VARIANTS
from inklusi_platform.errors import NotFound, ValidationFailed
from notify.preferences import WIB

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


@dataclass(frozen=True)
class Rendered:
    template: str
    version: int
    variant: str
    subject: str
    text: str
    html: str | None = None


def waktu(value: str) -> str:
    """An ISO time as it is said aloud in Malang: 'Rabu, 3 Desember 2026 pukul 09.00 WIB'."""
    local = datetime.fromisoformat(value).astimezone(WIB)
    return f"{DAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year} pukul {local:%H.%M} WIB"


def tanggal(value: str) -> str:
    """An ISO date as it is said: '15 Desember 2026'."""
    day = date.fromisoformat(str(value)[:10])
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def rupiah(value) -> str:
    """15000000 -> 'Rp15.000.000', as amounts are written (and read aloud) in Indonesia."""
    return "Rp" + f"{int(value):,}".replace(",", ".")


def _environment(autoescape: bool) -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=autoescape, keep_trailing_newline=False)
    env.filters["waktu"] = waktu
    env.filters["tanggal"] = tanggal
    env.filters["rupiah"] = rupiah
    return env


TEXT = _environment(autoescape=False)
HTML = _environment(autoescape=True)


@cache
def _compiled(source: str):
    """Compiling a Jinja2 template costs milliseconds; the catalogue's texts are few and fixed."""
    return TEXT.from_string(source)


@cache
def catalogue() -> dict:
    return yaml.safe_load(resources.files("notify").joinpath("templates/messages.yml").read_text("utf-8"))


@cache
def _layout():
    return HTML.from_string(resources.files("notify").joinpath("templates/email.html").read_text("utf-8"))


def render(name: str, channel: str, variant: str, params: dict) -> Rendered:
    try:
        entry = catalogue()[name]
    except KeyError:
        raise NotFound("Templat pesan tidak ditemukan.") from None
    texts = entry[variant if variant in VARIANTS else "plain"]
    source = texts["sms"] if channel == "sms" else texts["text"]
    try:
        text = _compiled(source).render(**params).strip()
        subject = _compiled(entry["subject"]).render(**params).strip()
    except Exception as exc:  # a parameter missing or of the wrong shape
        raise ValidationFailed("Templat tidak bisa diisi dengan data ini.",
                               {"params": [f"{type(exc).__name__}: {exc}"]}) from None
    html = None
    if channel == "email":
        html = _layout().render(subject=subject, lines=[line for line in text.splitlines() if line.strip()])
    return Rendered(name, entry["version"], variant, subject, text, html)


def describe(name: str) -> dict:
    entry = catalogue().get(name)
    if entry is None:
        raise NotFound("Templat pesan tidak ditemukan.")
    return {"name": name, "version": entry["version"], "subject": entry["subject"],
            "variants": {v: dict(entry[v]) for v in VARIANTS}, "sample": dict(entry.get("sample") or {})}


def list_templates() -> list[dict]:
    return [describe(name) for name in sorted(catalogue())]


def preview(name: str, channel: str, variant: str, params: dict | None) -> dict:
    """Render a template with the given sample data (or its own sample) for an admin to read."""
    if channel not in PREVIEW_CHANNELS or variant not in VARIANTS:
        raise ValidationFailed("Saluran atau varian tidak dikenal.",
                               {"channel": [f"Salah satu dari: {', '.join(PREVIEW_CHANNELS)}."],
                                "variant": [f"Salah satu dari: {', '.join(VARIANTS)}."]})
    sample = dict(describe(name)["sample"])
    sample.update(params or {})
    rendered = render(name, channel, variant, sample)
    return {"name": name, "version": rendered.version, "channel": channel, "variant": variant,
            "subject": rendered.subject, "text": rendered.text, "html": rendered.html}
