"""Images uploaded in the browser: recognised by content, disguised files refused, metadata gone."""

import io

import pytest
from PIL import Image, PngImagePlugin

from depomi_learn.authoring import AuthoringError
from depomi_learn.authoring.images import clean_image
from depomi_learn.models import Role
from tests.helpers.authoring import (
    COURSE,
    draft_files,
    import_course,
    make_author,
    picture,
    post,
    zip_of,
)

MARKER = b"SECRET-GPS-33.59N-7.61W"


def exif_with_marker(orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = MARKER.decode()  # camera maker
    if orientation:
        exif[0x0112] = orientation
    return exif.tobytes()


@pytest.fixture
def draft(app, client, auth) -> str:
    import_course(app)
    make_author(app, COURSE, auth.as_role(Role.TRAINER, region=None))
    post(client, f"/author/{COURSE}/draft")
    return COURSE


def upload(client, data: bytes, name: str):
    return post(
        client,
        f"/author/{COURSE}/assets",
        {"image": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def assets(app) -> dict[str, bytes]:
    return {k: v for k, v in draft_files(app).items() if k.startswith("assets/")}


def test_a_jpeg_is_stored_without_its_metadata_and_turned_upright(app, client, draft):
    data = picture("JPEG", exif=exif_with_marker(orientation=6), comment=MARKER)
    assert MARKER in data
    page = upload(client, data, "Carte Région.JPG").get_data(as_text=True)
    assert "assets/carte-region.jpg" in page
    stored = assets(app)["assets/carte-region.jpg"]
    assert MARKER not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.size == (20, 40)  # the EXIF orientation was applied before it was dropped
    assert not image.getexif()
    assert "comment" not in image.info


def test_a_png_loses_its_text_chunks_and_gets_the_extension_of_its_content(app, client, draft):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", MARKER.decode())
    data = picture("PNG", pnginfo=info, exif=exif_with_marker())
    upload(client, data, "schema.jpeg")  # named .jpeg, but it is a PNG
    stored = assets(app)["assets/schema.png"]
    assert MARKER not in stored
    assert Image.open(io.BytesIO(stored)).format == "PNG"


def test_a_webp_keeps_its_transparency_and_is_served_as_webp(app, client, draft):
    upload(client, picture("WEBP", mode="RGBA", lossless=True), "logo.webp")
    assert Image.open(io.BytesIO(assets(app)["assets/logo.webp"])).mode == "RGBA"
    response = client.get(f"/author/{COURSE}/draft-assets/logo.webp")
    assert response.mimetype == "image/webp"


def test_large_images_are_scaled_down_for_phones(app, client, draft):
    upload(client, picture("PNG", size=(3200, 800)), "bandeau.png")
    image = Image.open(io.BytesIO(assets(app)["assets/bandeau.png"]))
    assert image.size == (1600, 400)


DISGUISED = {
    "html named .png": (b"<!doctype html><script>alert(1)</script>", "photo.png"),
    "gif named .png": (picture("GIF"), "photo.png"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg"),
    "png with a zip after it": (picture("PNG") + zip_of({"evil.html": b"<script>"}), "a.png"),
    "jpeg with html after it": (picture("JPEG") + b"<html><script>alert(1)</script>", "a.jpg"),
    "webp with data after it": (picture("WEBP") + b"<script>alert(1)</script>", "a.webp"),
    "truncated png": (picture("PNG")[:40], "a.png"),
    "empty file": (b"", "a.png"),
}


@pytest.mark.parametrize("case", sorted(DISGUISED))
def test_disguised_and_polyglot_files_are_refused(app, client, draft, case):
    data, name = DISGUISED[case]
    before = draft_files(app)
    response = upload(client, data, name)
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert draft_files(app) == before


def test_too_large_and_too_many_pixels_are_refused():
    with pytest.raises(AuthoringError, match="larger than"):
        clean_image("a.png", picture("PNG"), max_bytes=50)
    huge = picture("PNG", size=(10_000, 10_000), mode="1")
    with pytest.raises(AuthoringError):
        clean_image("a.png", huge)


def test_a_clean_image_passes_the_check_unchanged_in_size():
    image = clean_image("ok.png", picture("PNG"))
    assert (image.name, image.media_type, image.width, image.height) == (
        "ok.png",
        "image/png",
        40,
        20,
    )


EDITED = "fr/02-evaluation.md"


def test_the_editor_script_uploads_without_leaving_and_gets_the_markdown(app, client, draft):
    before = draft_files(app)[EDITED]
    response = post(
        client,
        f"/author/{COURSE}/editor-images",
        {"image": (io.BytesIO(picture("PNG")), "Carte.png")},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["name"] == "carte.png"
    assert answer["markdown"] == "![Description of the image](../assets/carte.png)"
    assert "assets/carte.png" in assets(app)
    assert draft_files(app)[EDITED] == before  # the module text is the editor's, untouched
    refused = post(
        client,
        f"/author/{COURSE}/editor-images",
        {"image": (io.BytesIO(b"MZ not an image"), "x.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert refused.get_json()["error"]


def test_without_javascript_the_upload_brings_the_unsaved_text_back(app, client, draft):
    saved = draft_files(app)[EDITED]
    page = client.get(f"/author/{COURSE}/files/{EDITED}").get_data(as_text=True)
    base_sha = page.split('name="base_sha" value="', 1)[1].split('"', 1)[0]
    unsaved = saved.decode() + "\nUne phrase que personne n'a encore enregistrée.\n"
    response = post(
        client,
        f"/author/{COURSE}/files/{EDITED}",
        {
            "text": unsaved,
            "base_sha": base_sha,
            "path": EDITED,
            "action": "upload_image",
            "image": (io.BytesIO(picture("PNG")), "schema.png"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Une phrase que personne n&#39;a encore enregistrée." in html  # back in the textarea
    assert "assets/schema.png" in assets(app)
    assert 'data-snippet="![Description of the image](../assets/schema.png)"' in html
    assert draft_files(app)[EDITED] == saved  # not saved behind the author's back
