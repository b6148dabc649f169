"""Certificate rendering speed: ``.venv/bin/python bench/certificates.py [N]`` (default 1,000).

Target (issue 7): ≤ 30 ms per certificate amortised, 1,000 in ≤ 30 s with 2 worker processes. Uses made-up
contexts (``certificates.sample_context`` with distinct names and tokens), so it needs no database. Prints:
one by one (a document per certificate), one document for 100, and ``render_contexts`` for N (chunks of
CHUNK_SIZE on a pool of 2 processes, merged with pypdf), each in ms per certificate.
"""
from __future__ import annotations

import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("AWARDS_ENV", "development")


def main(n: int) -> None:
    from awards import create_app
    from awards.config import TestConfig
    from awards.decisions import certificates as c

    app = create_app(TestConfig)
    with app.app_context():
        def context(i: int) -> dict:
            url = c.verify_url(secrets.token_urlsafe(16))
            return dict(c.sample_context("GK"), awardee=f"Ông Nguyễn Văn Thử {i}", register_number=i + 1,
                        verify_url=url, qr=c.qr_data_uri(url))

        contexts = [context(i) for i in range(n)]
        c.render_certificates_html(contexts[:1])  # import weasyprint, fonts, stylesheet: once per process
        started = time.perf_counter()
        for ctx in contexts[:10]:
            c.render_certificates_html([ctx])
        single = (time.perf_counter() - started) / 10
        print(f"one by one:            {single * 1000:7.1f} ms each")
        started = time.perf_counter()
        c.render_certificates_html(contexts[:100])
        one_doc = (time.perf_counter() - started) / 100
        print(f"one document of 100:   {one_doc * 1000:7.1f} ms each")
        started = time.perf_counter()
        pdf = c.render_contexts(contexts, progress=None)
        total = time.perf_counter() - started
        print(f"{n} on {c.WORKERS} processes: {total:6.1f} s, {total / n * 1000:5.1f} ms each, "
              f"{len(pdf) / 1048576:.1f} MiB (chunks of {c.CHUNK_SIZE}, merged)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
