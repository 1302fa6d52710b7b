"""Substring search indexes (SQLite only): FTS5 trigram tables for company names and their 초성,
and for a reception's contact name, inquiry and phone digits, kept in sync by triggers, so every
way a row changes (ORM saves, bulk updates, imports, a SQL shell) updates them. See
services/search_index.py.

The tables are contentless (they hold only the index): each value is indexed with a trailing space
so that two-character fragments find their trigram. Company names keep positions (exact phrase
matches, no second look at the table); receptions keep only which column a trigram is in (a third
of the size; the log confirms a candidate with LIKE). PostgreSQL keeps its ILIKE queries.
Recorded as 0004_bench_search_index before it was renamed (core.db.RENAMED_MIGRATIONS)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SEARCH_INDEX_SQL = """
CREATE VIRTUAL TABLE customer_search USING fts5(
    company_name, company_name_chosung, tokenize = 'trigram', content = '', columnsize = 0
);
CREATE VIRTUAL TABLE customer_search_terms USING fts5vocab(customer_search, 'col');
INSERT INTO customer_search (rowid, company_name, company_name_chosung)
SELECT id, company_name || ' ', company_name_chosung || ' ' FROM customer;
CREATE TRIGGER customer_search_insert AFTER INSERT ON customer BEGIN
    INSERT INTO customer_search (rowid, company_name, company_name_chosung)
    VALUES (new.id, new.company_name || ' ', new.company_name_chosung || ' ');
END;
CREATE TRIGGER customer_search_delete AFTER DELETE ON customer BEGIN
    INSERT INTO customer_search (customer_search, rowid, company_name, company_name_chosung)
    VALUES ('delete', old.id, old.company_name || ' ', old.company_name_chosung || ' ');
END;
CREATE TRIGGER customer_search_update AFTER UPDATE OF company_name, company_name_chosung ON customer BEGIN
    INSERT INTO customer_search (customer_search, rowid, company_name, company_name_chosung)
    VALUES ('delete', old.id, old.company_name || ' ', old.company_name_chosung || ' ');
    INSERT INTO customer_search (rowid, company_name, company_name_chosung)
    VALUES (new.id, new.company_name || ' ', new.company_name_chosung || ' ');
END;

CREATE VIRTUAL TABLE reception_search USING fts5(
    contact_name, inquiry, phone_digits,
    tokenize = 'trigram', content = '', detail = 'column', columnsize = 0
);
CREATE VIRTUAL TABLE reception_search_terms USING fts5vocab(reception_search, 'col');
INSERT INTO reception_search (rowid, contact_name, inquiry, phone_digits)
SELECT id, contact_name || ' ', inquiry || ' ', phone_digits || ' ' FROM reception;
CREATE TRIGGER reception_search_insert AFTER INSERT ON reception BEGIN
    INSERT INTO reception_search (rowid, contact_name, inquiry, phone_digits)
    VALUES (new.id, new.contact_name || ' ', new.inquiry || ' ', new.phone_digits || ' ');
END;
CREATE TRIGGER reception_search_delete AFTER DELETE ON reception BEGIN
    INSERT INTO reception_search (reception_search, rowid, contact_name, inquiry, phone_digits)
    VALUES ('delete', old.id, old.contact_name || ' ', old.inquiry || ' ', old.phone_digits || ' ');
END;
CREATE TRIGGER reception_search_update AFTER UPDATE OF contact_name, inquiry, phone_digits ON reception BEGIN
    INSERT INTO reception_search (reception_search, rowid, contact_name, inquiry, phone_digits)
    VALUES ('delete', old.id, old.contact_name || ' ', old.inquiry || ' ', old.phone_digits || ' ');
    INSERT INTO reception_search (rowid, contact_name, inquiry, phone_digits)
    VALUES (new.id, new.contact_name || ' ', new.inquiry || ' ', new.phone_digits || ' ');
END;
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS customer_search_insert;
DROP TRIGGER IF EXISTS customer_search_delete;
DROP TRIGGER IF EXISTS customer_search_update;
DROP TABLE IF EXISTS customer_search_terms;
DROP TABLE IF EXISTS customer_search;
DROP TRIGGER IF EXISTS reception_search_insert;
DROP TRIGGER IF EXISTS reception_search_delete;
DROP TRIGGER IF EXISTS reception_search_update;
DROP TABLE IF EXISTS reception_search_terms;
DROP TABLE IF EXISTS reception_search;
"""


def _on_sqlite(sql: str):
    async def run(apps, schema_editor) -> None:
        if schema_editor.client.capabilities.dialect == "sqlite":
            await schema_editor.client.execute_script(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("models", "0003_reception_stats_and_contact_indexes")]

    initial = False

    operations = [
        ops.RunPython(_on_sqlite(SEARCH_INDEX_SQL), _on_sqlite(DROP_SQL)),
    ]
