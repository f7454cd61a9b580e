"""Open Badges 3.0 credentials: signed VC-JWT that verify with the published key, and only it."""

import base64
import gzip
import hashlib
import json
from datetime import timedelta

import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from depomi_learn import create_app
from depomi_learn.certificates.credentials import (
    CONTEXTS,
    InvalidCredential,
    SigningKeyError,
    build_credential,
    generate_signing_key,
    sign_credential,
    signing_key,
    verify_credential,
)
from depomi_learn.certificates.issuing import revoke_certificate
from depomi_learn.extensions import db
from depomi_learn.models import Certificate, Role, User, utcnow
from tests.helpers.certificates import complete_course, update_certificate
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, make_user

EMAIL = "holder@example.ma"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture
def token(app, client, auth) -> str:
    make_course(app)
    complete_course(app, make_user(app, email=EMAIL))
    auth.login(EMAIL)
    code = None
    with app.app_context():
        code = db.session.scalar(sa.select(Certificate.code))
    response = client.get(f"/certificates/{code}/credential.jwt")
    assert response.status_code == 200
    assert response.mimetype == "application/vc+jwt"
    return response.get_data(as_text=True)


def _published_key(client) -> Ed25519PublicKey:
    """Rebuild the public key from the issuer's JWK set, as an outside verifier would."""
    (jwk,) = client.get("/issuer/jwks.json").get_json()["keys"]
    return jwt.algorithms.OKPAlgorithm.from_jwk(json.dumps(jwk))


def test_credential_verifies_with_the_published_key(app, client, token):
    key = _published_key(client)
    # An independent implementation (PyJWT) accepts it...
    payload = jwt.api_jws.decode(token, key, algorithms=["EdDSA"])
    credential = json.loads(payload)
    # ...and so does ours.
    assert verify_credential(token, key) == credential
    header = jwt.get_unverified_header(token)
    assert (header["alg"], header["typ"], header["cty"]) == ("EdDSA", "vc+jwt", "vc")
    (jwk,) = client.get("/issuer/jwks.json").get_json()["keys"]
    assert header["kid"] == jwk["kid"]


def test_changing_any_single_character_breaks_the_signature(app, client, token):
    key = _published_key(client)
    for index, char in enumerate(token):
        if char == ".":
            continue
        replacement = ALPHABET[(ALPHABET.index(char) + 1) % len(ALPHABET)]
        altered = token[:index] + replacement + token[index + 1 :]
        with pytest.raises(InvalidCredential):
            verify_credential(altered, key)


def test_changing_one_byte_of_the_credential_breaks_the_signature(app, client, token):
    key = _published_key(client)
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[raw.index(b"2026")] = ord("3")  # e.g. 2026 -> 3026 in a date
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(InvalidCredential):
        verify_credential(f"{header}.{forged}.{signature}", key)


def test_another_key_does_not_verify(app, token):
    with pytest.raises(InvalidCredential):
        verify_credential(token, Ed25519PrivateKey.generate().public_key())


def test_credential_is_an_open_badge_without_the_email_in_clear(app, client, token):
    credential = verify_credential(token, _published_key(client))
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "http://127.0.0.1:5000/issuer"
    assert credential["validFrom"].endswith("Z")
    assert credential["validUntil"] > credential["validFrom"]
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["achievement"]["type"] == ["Achievement"]
    assert subject["achievement"]["criteria"]["narrative"]
    assert EMAIL not in json.dumps(credential)
    (identity,) = subject["identifier"]
    expected = hashlib.sha256((EMAIL + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    assert credential["id"].startswith("http://127.0.0.1:5000/verify/")


def test_issuer_profile_publishes_the_same_key_as_multikey(app, client):
    profile = client.get("/issuer.json").get_json()
    assert profile["type"] == ["Profile"]
    (method,) = profile["verificationMethod"]
    assert method["type"] == "Multikey"
    (jwk,) = client.get("/issuer/jwks.json").get_json()["keys"]
    assert method["id"] == jwk["kid"]
    multibase = method["publicKeyMultibase"]
    assert multibase.startswith("z6Mk")  # base58btc of the Ed25519 multicodec prefix
    raw = base64.urlsafe_b64decode(jwk["x"] + "=")
    assert _base58_decode(multibase[1:]) == b"\xed\x01" + raw
    html = client.get("/issuer").get_data(as_text=True)
    assert multibase in html
    negotiated = client.get("/issuer", headers={"Accept": "application/ld+json"})
    assert negotiated.mimetype == "application/ld+json"


def _base58_decode(text: str) -> bytes:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = 0
    for char in text:
        number = number * 58 + alphabet.index(char)
    return number.to_bytes((number.bit_length() + 7) // 8, "big")


def test_json_ld_contexts_are_served_from_local_copies(app, client):
    for url, name in CONTEXTS.items():
        response = client.get(f"/contexts/{name}")
        assert response.status_code == 200, url
        assert response.mimetype == "application/ld+json"
        assert "@context" in response.get_json()
    assert client.get("/contexts/../config.py").status_code == 404
    assert client.get("/contexts/unknown.jsonld").status_code == 404


def test_signing_key_comes_from_configuration():
    encoded = generate_signing_key()
    app = create_app("testing", SIGNING_KEY=encoded)
    with app.app_context():
        raw = base64.b64decode(encoded)
        assert signing_key().private_bytes_raw() == raw
        credential = {"type": ["VerifiableCredential", "OpenBadgeCredential"]}
        token = sign_credential(credential)
        assert verify_credential(token, signing_key().public_key()) == credential


def test_signing_key_file_is_read_when_no_variable_is_set(tmp_path):
    path = tmp_path / "signing-key"
    encoded = generate_signing_key()
    path.write_text(encoded + "\n")
    app = create_app("testing", SIGNING_KEY="", SIGNING_KEY_FILE=path)
    with app.app_context():
        assert signing_key().private_bytes_raw() == base64.b64decode(encoded)


def test_bad_or_missing_key_is_refused_in_production(tmp_path):
    bad = create_app("testing", SIGNING_KEY="bm90IGEga2V5")
    with bad.app_context(), pytest.raises(SigningKeyError, match="32-byte Ed25519"):
        signing_key()
    production = create_app(
        "production",
        SECRET_KEY="x" * 40,
        SIGNING_KEY="",
        SIGNING_KEY_FILE=tmp_path / "absent",
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )
    with production.app_context(), pytest.raises(SigningKeyError):
        signing_key()
    assert production.test_client().get("/issuer/jwks.json").status_code == 503


def test_build_credential_is_stable(app, ctx):
    make_course(app)
    complete_course(app, make_user(app, email=EMAIL))
    certificate = db.session.scalar(sa.select(Certificate))
    assert build_credential(certificate) == build_credential(certificate)
    assert sign_credential(build_credential(certificate)) == sign_credential(
        build_credential(certificate)
    )


# Revocation: refused credentials, and a status list that a verifier can read --------------------


def _status_bit(app, client, entry: dict) -> int:
    """Fetch the status list the entry names, check its signature as a verifier would, and
    return the entry's bit."""
    url = entry["statusListCredential"]
    assert url == app.config["PUBLIC_URL"] + "/credentials/status/revocation"
    response = client.get(url.removeprefix(app.config["PUBLIC_URL"]))
    assert response.status_code == 200
    assert response.mimetype == "application/vc+jwt"
    signed = jwt.api_jws.decode(
        response.get_data(as_text=True), _published_key(client), algorithms=["EdDSA"]
    )
    status_list = json.loads(signed)
    assert "BitstringStatusListCredential" in status_list["type"]
    subject = status_list["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")
    assert subject["encodedList"].startswith("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(subject["encodedList"][1:] + "=="))
    assert len(bits) >= 16 * 1024
    index = int(entry["statusListIndex"])
    return (bits[index // 8] >> (7 - index % 8)) & 1


def _revoke(app) -> None:
    admin_id = make_user(app, email="admin@x.ma", role=Role.ADMIN)
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate))
        admin = db.session.get(User, admin_id)
        revoke_certificate(certificate, actor=admin, reason="Issued by mistake (ticket 12)")
        db.session.commit()


def test_an_earlier_credential_learns_of_the_revocation_from_the_status_list(app, client, token):
    credential = json.loads(jwt.api_jws.decode(token, _published_key(client), ["EdDSA"]))
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    assert _status_bit(app, client, entry) == 0
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _revoke(app)
    assert _status_bit(app, client, entry) == 1  # public: no sign-in needed


def test_status_indexes_are_unique_and_stable(app):
    make_course(app)
    for number in range(3):
        complete_course(app, make_user(app, email=f"h{number}@example.ma"))
    with app.app_context():
        rows = db.session.execute(sa.select(Certificate.id, Certificate.status_index)).all()
    assert len({index for _id, index in rows}) == 3
    assert all(index == certificate_id for certificate_id, index in rows)


def test_a_revoked_certificate_gets_no_credential(app, client, token):
    _revoke(app)
    with app.app_context():
        code = db.session.scalar(sa.select(Certificate.code))
    response = client.get(f"/certificates/{code}/credential.jwt")
    assert response.status_code == 410
    assert "was revoked: no credential is issued" in response.get_data(as_text=True)


def test_an_expired_certificate_gets_no_credential(app, client, token):
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate))
        code = certificate.code
    update_certificate(app, code, expires_at=utcnow() - timedelta(days=1))
    response = client.get(f"/certificates/{code}/credential.jwt")
    assert response.status_code == 410
    assert "has expired: no credential is issued" in response.get_data(as_text=True)
