"""Printable administrative documents (Decree 30/2020/NĐ-CP layout) rendered to PDF; see ``render``."""
from awards.documents.render import DocumentResourceRefused, render_pdf, sha256

__all__ = ["DocumentResourceRefused", "render_pdf", "sha256"]
