"""The register's database: SQLite by default, PostgreSQL for an office on a server.

``db`` (connections, transactions, migrations; SQLite: ``connect``, ``atomic``, ``migrate``),
``postgres`` (the same seam on psycopg: ``connect_pg``, ``PgConnection``), ``pg_errors``
(PostgreSQL's failures as one Indonesian line, passwords masked: ``redacted``, ``mask_logs``),
``schema`` (the tables and their migrations), ``damage`` (a damaged schema found at open).
The books themselves (numbering, states, events) are ``docgen.register``; nothing here knows them.
Nothing is imported here: ``docgen --help`` masks passwords in logs without loading SQLite.
"""
