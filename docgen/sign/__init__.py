"""Electronic signatures (TTE, PAdES through pyHanko): signing, validation, the register's job.

``certfiles`` (certificate and trust-root files read with bounds), ``signer`` (the office's
PKCS#12 credential and one PAdES signature), ``validation`` (what a reader of a signed PDF needs
to know), ``job`` (signing documents of the register: state, number, new file, record). The
settings are the profile's ``[signing]`` section (``docgen.profile.signing``). The CLI and the desk
call only the names below.
"""

from docgen.sign.job import Signed, sign_document, sign_documents, waiting_for_signature
from docgen.sign.signer import Credential, SigningError, load_credential
from docgen.sign.validation import After, SignatureCheck, check_signatures, revision_hashes

__all__ = [
    "After",
    "Credential",
    "SignatureCheck",
    "Signed",
    "SigningError",
    "check_signatures",
    "load_credential",
    "revision_hashes",
    "sign_document",
    "sign_documents",
    "waiting_for_signature",
]
