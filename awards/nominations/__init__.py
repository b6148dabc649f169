"""Nominations (đề nghị khen thưởng), batches (tờ trình), attachments and the append-only transition log."""
