"""Open Badges 3.0: each certificate as an OpenBadgeCredential, signed as a VC-JWT.

The credential is a W3C Verifiable Credential 2.0 secured with JOSE (VC-JOSE-COSE): a compact JWS
whose payload is the credential itself, header `{"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc"}`,
signed with the issuer's Ed25519 key. The key comes from DEPOMI_SIGNING_KEY (never from the
repository); the issuer profile publishes the public key as a JWK set and as a Multikey. The
JSON-LD contexts named in the credential are shipped in depomi_learn/data/contexts and served
by the application, so nothing is fetched.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
from pathlib import Path

import jwt
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app

from ..extensions import db
from ..models import Certificate, utcnow
from .issuing import ISSUER_NAME, iso_time, verification_url

CONTEXTS_DIR = Path(__file__).resolve().parent.parent / "data" / "contexts"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Context URL -> (local file, the name under which /contexts/ serves it)
CONTEXTS = {
    VC_CONTEXT: "credentials-v2.jsonld",
    OB_CONTEXT: "ob-v3p0-3.0.3.jsonld",
}
HEADER = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc"}
# The key terms of the issuer profile, inline so that no further context has to be fetched.
SEC = "https://w3id.org/security#"
KEY_TERMS = {
    "Multikey": SEC + "Multikey",
    "verificationMethod": {"@id": SEC + "verificationMethod", "@type": "@id"},
    "controller": {"@id": SEC + "controller", "@type": "@id"},
    "publicKeyMultibase": {"@id": SEC + "publicKeyMultibase", "@type": SEC + "multibase"},
}
# W3C Bitstring Status List v1.0: at least 16 KB of bits, so that one bit says little of whom.
STATUS_LIST_MIN_BITS = 16 * 1024 * 8
STATUS_PURPOSE = "revocation"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_MULTICODEC = b"\xed\x01"


class SigningKeyError(RuntimeError):
    """No usable signing key: set DEPOMI_SIGNING_KEY (see `flask certificates keygen`)."""


class InvalidCredential(ValueError):
    """The token is not a credential signed by this key (malformed, altered or foreign)."""


# Keys -------------------------------------------------------------------------------------------


def generate_signing_key() -> str:
    """Return a new Ed25519 private key as base64, the form DEPOMI_SIGNING_KEY takes."""
    raw = Ed25519PrivateKey.generate().private_bytes_raw()
    return base64.b64encode(raw).decode()


def _load_key(text: str, origin: str) -> Ed25519PrivateKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except (binascii.Error, ValueError) as error:
        raise SigningKeyError(
            f"{origin}: not the base64 of a 32-byte Ed25519 private key "
            "(make one with `flask certificates keygen`)"
        ) from error


def signing_key() -> Ed25519PrivateKey:
    """Return the issuer's key: configured, else instance/signing-key, else (not in production)
    an ephemeral one whose signatures stop verifying when the process ends."""
    cache = current_app.extensions.setdefault("depomi_signing_key", {})
    if "key" in cache:
        return cache["key"]
    config = current_app.config
    key_file = config.get("SIGNING_KEY_FILE")
    if config.get("SIGNING_KEY"):
        key = _load_key(config["SIGNING_KEY"], "DEPOMI_SIGNING_KEY")
    elif key_file and Path(key_file).is_file():
        key = _load_key(Path(key_file).read_text("ascii"), str(key_file))
    elif config["ENV_NAME"] == "production":
        raise SigningKeyError("DEPOMI_SIGNING_KEY is not set: credentials cannot be signed")
    else:
        current_app.logger.warning("no signing key configured: using an ephemeral one")
        key = Ed25519PrivateKey.generate()
    cache["key"] = key
    return key


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    """Decode strictly: text that does not re-encode to itself is refused, so every byte counts."""
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidCredential("bad base64url") from error
    if _b64url(data) != text:
        raise InvalidCredential("non-canonical base64url")
    return data


def _base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, remainder = divmod(number, 58)
        out = _BASE58[remainder] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def key_thumbprint(public: Ed25519PublicKey) -> str:
    """Return the RFC 7638 JWK thumbprint of the public key (our key id)."""
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": _b64url(_raw_public(public))},
        separators=(",", ":"),
        sort_keys=True,
    )
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def issuer_id() -> str:
    return f"{current_app.config['PUBLIC_URL']}/issuer"


def key_id(public: Ed25519PublicKey) -> str:
    return f"{issuer_id()}#{key_thumbprint(public)}"


def public_jwks() -> dict:
    """Return the JWK set that verifies our credentials."""
    public = signing_key().public_key()
    return {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": _b64url(_raw_public(public)),
                "kid": key_id(public),
                "alg": "EdDSA",
                "use": "sig",
            }
        ]
    }


def issuer_profile() -> dict:
    """Return the Open Badges issuer Profile, with the public key as a Multikey."""
    public = signing_key().public_key()
    base = current_app.config["PUBLIC_URL"]
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT, KEY_TERMS],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "url": base + "/",
        "description": "DEPOMI: deploying migration policies at regional level (Morocco).",
        "verificationMethod": [
            {
                "id": key_id(public),
                "type": "Multikey",
                "controller": issuer_id(),
                "publicKeyMultibase": "z" + _base58btc(_ED25519_MULTICODEC + _raw_public(public)),
            }
        ],
    }


# Credentials ------------------------------------------------------------------------------------


def build_credential(certificate: Certificate) -> dict:
    """Return the unsigned OpenBadgeCredential of `certificate`, from its snapshot."""
    base = current_app.config["PUBLIC_URL"]
    version = certificate.version
    achievement_id = f"{base}/courses/{certificate.course_id}#{certificate.version_label}"
    email_hash = hashlib.sha256(
        (certificate.user.email.lower() + certificate.subject_salt).encode()
    ).hexdigest()
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": verification_url(certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id(), "type": ["Profile"], "name": ISSUER_NAME},
        "validFrom": iso_time(certificate.issued_at),
        "name": certificate.title("fr"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": f"sha256${email_hash}",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": certificate.subject_salt,
                }
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": certificate.title("fr"),
                "description": version.text("summary", "fr"),
                "criteria": {"narrative": "Avoir terminé tous les modules de la formation."},
                "version": certificate.version_label,
                "humanCode": certificate.code,
            },
        },
    }
    if certificate.expires_at is not None:
        credential["validUntil"] = iso_time(certificate.expires_at)
    if certificate.status_index is not None:
        credential["credentialStatus"] = status_entry(certificate.status_index)
    return credential


# Revocation status list (W3C Bitstring Status List v1.0) ----------------------------------------


def status_list_url() -> str:
    """Return the public address of the issuer's revocation status list credential."""
    return f"{current_app.config['PUBLIC_URL']}/credentials/status/{STATUS_PURPOSE}"


def status_entry(index: int) -> dict:
    """Return the BitstringStatusListEntry that points a credential at bit `index` of the list."""
    return {
        "id": f"{status_list_url()}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": status_list_url(),
    }


def encode_bitstring(indexes: list[int]) -> str:
    """Return the bitstring with `indexes` set, GZIP-compressed, base64url without padding and
    multibase-prefixed ("u"); index 0 is the left-most bit of the first byte."""
    size = max(STATUS_LIST_MIN_BITS, max(indexes, default=0) + 1)
    bits = bytearray((size + 7) // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + _b64url(gzip.compress(bytes(bits), mtime=0))


def decode_bitstring(encoded: str) -> bytes:
    """Return the uncompressed bitstring of an encodedList (the inverse of encode_bitstring)."""
    return gzip.decompress(_b64url_decode(encoded.removeprefix("u")))


def build_status_list() -> dict:
    """Return the unsigned BitstringStatusListCredential with the bit of every revoked
    certificate set, read from the database now."""
    revoked = db.session.scalars(
        sa.select(Certificate.status_index).where(
            Certificate.revoked_at.is_not(None), Certificate.status_index.is_not(None)
        )
    ).all()
    url = status_list_url()
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": iso_time(utcnow()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encode_bitstring([index for index in revoked if index is not None]),
        },
    }


def sign_credential(credential: dict, key: Ed25519PrivateKey | None = None) -> str:
    """Return the credential as a compact JWS (VC-JWT) signed with EdDSA."""
    key = key or signing_key()
    payload = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {**HEADER, "kid": key_id(key.public_key())}
    return jwt.api_jws.encode(payload, key, algorithm="EdDSA", headers=headers)


def verify_credential(token: str, public_key: Ed25519PublicKey) -> dict:
    """Return the credential inside `token` if `public_key` signed it; raise InvalidCredential."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise InvalidCredential("not a compact JWS")
    for part in parts:
        _b64url_decode(part)  # strictly: another spelling of the same bytes is refused too
    try:
        signed = jwt.api_jws.decode_complete(token.strip(), public_key, algorithms=["EdDSA"])
    except jwt.InvalidTokenError as error:
        raise InvalidCredential("signature does not verify") from error
    header = signed["header"]
    try:
        credential = json.loads(signed["payload"])
    except ValueError as error:
        raise InvalidCredential("not JSON") from error
    if header.get("alg") != "EdDSA" or header.get("typ") != HEADER["typ"]:
        raise InvalidCredential("unexpected header")
    if not isinstance(credential, dict) or "OpenBadgeCredential" not in credential.get("type", []):
        raise InvalidCredential("not an OpenBadgeCredential")
    return credential


def context_file(name: str) -> Path | None:
    """Return the local copy of a JSON-LD context by its served name, or None."""
    return CONTEXTS_DIR / name if name in CONTEXTS.values() else None
