import http.server
import io
import threading

from pypdf import PdfReader

from html_forms.pdf import render_pdf_async


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_korean_text_is_extractable_and_nothing_is_fetched(tmp_path):
    requests = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for documents")
    try:
        pdf = await render_pdf_async(
            f"<h1>상담일지</h1><table border='1'><tr><td>상호</td><td>재근상사</td></tr></table>"
            f"<img src='http://127.0.0.1:{server.server_port}/tracker.png'><img src='{secret}'>"
            f"<p style=\"background-image: url('http://127.0.0.1:{server.server_port}/bg.png')\">본문</p>"
        )
    finally:
        server.shutdown()
    text = _text(pdf)
    assert "상담일지" in text and "재근상사" in text and "본문" in text
    assert requests == []
