"""Decisions (quyết định khen thưởng) and certificates: numbering, money, the decision PDF, certificates, QR
verification and digital signatures."""
