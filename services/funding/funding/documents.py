"""Documents of a case: metadata in the database, the bytes in the storage folder (a volume in compose)."""
import hashlib
import os
from pathlib import Path

import sqlalchemy as sa

from funding import cases, duties
from funding.models.cases import CaseDocument
from funding.schemas import refuse
from inklusi_platform import clock
from inklusi_platform.columns import new_id
from inklusi_platform.contracts.funding import DOCUMENT_TYPES, MAX_DOCUMENT_BYTES, MAX_NAME
from inklusi_platform.errors import NotFound

UPLOAD_PERMISSIONS = ("funding:propose", "funding:verify")


def document_dict(doc: CaseDocument) -> dict:
    return {"id": doc.id, "case_id": doc.case_id, "doc_type": doc.doc_type, "file_name": doc.file_name,
            "content_type": doc.content_type, "size": doc.size, "sha256": doc.sha256,
            "uploaded_by": doc.uploaded_by, "uploaded_at": clock.iso_time(doc.uploaded_at)}


def _path(storage_dir: str, doc: CaseDocument) -> Path:
    # Ids are generated here (uuid4), never taken from a file name, so nothing escapes the folder.
    return Path(storage_dir) / doc.case_id / doc.id


def store_document(uow, storage_dir: str, case_id: str, doc_type: str, file_name: str, content_type: str,
                   content: bytes, actor: dict) -> dict:
    duties.check_any(actor, UPLOAD_PERMISSIONS, "mengunggah dokumen kasus")
    case = cases.load_case(uow, case_id)
    if doc_type not in DOCUMENT_TYPES:
        raise refuse("doc_type", f"Pilih salah satu: {', '.join(DOCUMENT_TYPES)}.")
    name = os.path.basename((file_name or "").replace("\\", "/")).strip()
    if not name or len(name) > MAX_NAME:
        raise refuse("file", f"Nama berkas wajib ada, paling banyak {MAX_NAME} karakter.")
    if not content:
        raise refuse("file", "Berkas kosong.")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise refuse("file", f"Berkas melebihi {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.")
    doc = CaseDocument(id=new_id(), case_id=case.id, doc_type=doc_type, file_name=name,
                       content_type=(content_type or "application/octet-stream")[:100], size=len(content),
                       sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor["user_id"],
                       uploaded_at=clock.now())
    path = _path(storage_dir, doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(content)
    os.replace(partial, path)  # a reader never sees half a file
    uow.session.add(doc)
    cases.record_step(uow, case, "document", case.state, case.state, actor, {"doc_type": doc_type,
                                                                             "document_id": doc.id})
    uow.session.flush()
    return document_dict(doc)


def list_documents(uow, case_id: str) -> list[dict]:
    cases.load_case(uow, case_id)
    rows = uow.session.scalars(sa.select(CaseDocument).where(CaseDocument.case_id == case_id)
                               .order_by(CaseDocument.uploaded_at, CaseDocument.id))
    return [document_dict(row) for row in rows]


def read_document(uow, storage_dir: str, case_id: str, document_id: str) -> tuple[dict, bytes]:
    doc = uow.session.get(CaseDocument, document_id) if isinstance(document_id, str) else None
    if doc is None or doc.case_id != case_id:
        raise NotFound("Dokumen ini tidak ditemukan.")
    try:
        content = _path(storage_dir, doc).read_bytes()
    except FileNotFoundError:
        raise NotFound("Berkas dokumen ini tidak ada di penyimpanan.") from None
    return document_dict(doc), content
