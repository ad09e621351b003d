"""Recording the verification of a menengah-tinggi Sertifikat Standar (business map P6.1).

OSS issues an MT certificate "belum terverifikasi"; the OPD teknis checks the business (BAP) and
recommends (rekomendasi), and the DPMPTSP records the verification. The certificate is then
re-issued "Terverifikasi" under the same OSS number: the new print is written first, then one
transaction creates it, links it to its basis and marks the earlier print superseded, so a
failure anywhere leaves the register and the outbox as they were.
"""

from __future__ import annotations

from datetime import date

from docgen.basis import printed_basis
from docgen.errors import RequestError
from docgen.files import Written
from docgen.kinds import get_kind, validate_request
from docgen.makers import maker_for
from docgen.names import file_stem
from docgen.pdf import make_marks
from docgen.pipeline import Result, write_free
from docgen.profile import Workspace
from docgen.register import FileRecord, Register, State
from docgen.register.books import new_token
from docgen.register.chain import find_document, link_in_tx
from docgen.register.given import GivenNumber, start_given
from docgen.register.rows import DocumentRow

__all__ = ["verify_certificate"]

KIND = "sertifikat-standar"


def verify_certificate(workspace: Workspace, ref: str, *, day: date, dasar: str) -> Result:
    """Re-issue the MT certificate ``ref`` (its OSS number or id) as verified on ``day``, resting on
    ``dasar`` (a BAP that found it compliant, or a rekomendasi, of the same business).

    Refused, with nothing written: an MR certificate (never verified), one already verified or
    superseded, a basis that is void, of another business, or a BAP that found it not compliant.
    """
    kind = get_kind(KIND)
    with Register.open(workspace) as reg:
        old = _certificate(reg, ref)
        data = {**old.request, "status_verifikasi": "terverifikasi", "tanggal_verifikasi": day.isoformat()}
        basis = find_document(reg.conn, dasar, kinds=kind.basis.kinds)  # type: ignore[union-attr]
        request = validate_request(kind, {**data, "dasar": basis.number}, workspace.profile, source=f"dokumen {old.id}")
        refusal = kind.basis.check(request, basis.kind, basis.request)  # type: ignore[union-attr]
        if refusal:
            raise RequestError(f"Dasar verifikasi {basis.number}: {refusal}")
        summary = kind.summary(request, workspace.profile)
        maker = maker_for(workspace, kind)
        context = kind.render_context(request, workspace.profile, number=old.number or "")
        context |= printed_basis(kind, basis, context)
        trial = maker.trial(context, day.year)
        token = new_token()
        marks = make_marks(workspace.profile, number=old.number or "", doc_date=summary.doc_date, token=token)
        folder = workspace.outbox / str(day.year) / kind.name
        written: list[tuple[str, Written]] = []
        try:
            for role, content, ending in maker.outputs(context, trial, None, marks):
                written.append((role, write_free(folder, file_stem(old.number or ""), ending, content)))
            records = [FileRecord(role, reg.relative(w.path), w.sha256, w.size) for role, w in written]
            issuer, issued = workspace.profile.sertifikat_standar.penerbit, date.fromisoformat(old.request["tanggal"])
            doc_id = start_given(
                reg, kind.name, summary, request.model_dump(mode="json"),
                GivenNumber("oss", old.number or "", issuer, issued), kka=old.kka or kind.kka_for(workspace.profile),
                replaces=old.id, token=token, files=records, template_sha256=maker.sha256,
                with_row=lambda conn, new_id: link_in_tx(conn, new_id, basis.id),
            )  # fmt: skip
        except BaseException:
            for _, w in written:
                w.path.unlink(missing_ok=True)
            raise
        doc = reg.document(doc_id)
        files = [{"role": role, "path": workspace.shown(w.path), "sha256": w.sha256} for role, w in written]
        return Result(doc_id, kind.name, doc.number, doc.state, files[0]["path"], files[0]["sha256"], files)


def _certificate(reg: Register, ref: str) -> DocumentRow:
    """The live print of an MT certificate still waiting for its verification."""
    doc = find_document(reg.conn, ref, kinds=(KIND,))
    risk, status = doc.request.get("tingkat_risiko"), doc.request.get("status_verifikasi")
    if risk != "MT":
        raise RequestError(
            f"Sertifikat Standar {doc.number} berisiko {risk}: hanya risiko MT yang diverifikasi, MR berupa "
            "pernyataan mandiri"
        )
    if status == "terverifikasi" or doc.state not in (State.NUMBERED, State.SENT):
        raise RequestError(
            f"Sertifikat Standar {doc.number} sudah terverifikasi atau tidak berlaku lagi (dokumen {doc.id}, "
            f"{doc.state}); lihat 'docgen register show {doc.id}'"
        )
    return doc
