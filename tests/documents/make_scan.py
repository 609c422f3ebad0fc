"""Makes 示例县统计局-2023-scan.pdf: the LibreOffice PDF's pages as images only (no text layer),
as a scanner would give them. Needs pdftoppm (poppler-utils).

    python3 tests/documents/make_scan.py
"""
import pathlib
import subprocess
import tempfile

HERE = pathlib.Path(__file__).parent
SRC = HERE / "示例县统计局-2023.pdf"
OUT = HERE / "示例县统计局-2023-scan.pdf"
DPI = 200


def jpeg_size(data):
    """Width, height and number of colour components from a JPEG's SOF marker."""
    i = 2
    while i < len(data):
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return (int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big"),
                    data[i + 9])
        i += 2 + length
    raise ValueError("no SOF marker")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-jpeg", "-jpegopt", "quality=60",
                        str(SRC), f"{tmp}/p"], check=True)
        images = [p.read_bytes() for p in sorted(pathlib.Path(tmp).glob("p-*.jpg"))]
    objs = []  # object bodies, numbered from 1
    pages = []
    objs.append(None)  # 1: catalog
    objs.append(None)  # 2: page tree
    for img in images:
        # pdftoppm's -gray JPEG still has three components.
        w, h, comps = jpeg_size(img)
        space = b"/DeviceGray" if comps == 1 else b"/DeviceRGB"
        pw, ph = w * 72 / DPI, h * 72 / DPI
        objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
                    b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % (w, h, space, len(img))
                    + img + b"\nendstream")
        image_id = len(objs)
        content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (pw, ph)
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_id = len(objs)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
                    b"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                    % (pw, ph, image_id, content_id))
        pages.append(len(objs))
    objs[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % p for p in pages), len(pages))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    OUT.write_bytes(bytes(out))


if __name__ == "__main__":
    main()
