from flask.cli import AppGroup

import_cli = AppGroup("import", help="Nhập dữ liệu từ tệp CSV hoặc XLSX (tất cả hoặc không gì cả).")
