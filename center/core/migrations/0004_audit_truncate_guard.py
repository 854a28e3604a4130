from django.db import migrations

# TRUNCATE fires no row trigger, so 0002's guard did not cover it. A statement trigger refuses it on the
# entries and on the chain head (whose rows also may not be deleted).
#
# One exception: Django's test runner empties a test database between tests with TRUNCATE, as a superuser.
# A superuser can disable any trigger anyway, so letting one truncate a database named test_* weakens
# nothing; the production database must not be named test_* (docs/operations.md). The application itself
# runs as a role that owns neither table and has no TRUNCATE grant (docs/operations.md, "Database roles").
PG_GUARD = r"""
CREATE OR REPLACE FUNCTION core_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_database() LIKE 'test\_%'
       AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (TRUNCATE of % refused)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_no_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_no_truncate();
CREATE TRIGGER core_auditchainhead_no_truncate
    BEFORE TRUNCATE ON core_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_no_truncate();
CREATE TRIGGER core_auditchainhead_no_delete
    BEFORE DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
"""
PG_UNGUARD = """
DROP TRIGGER IF EXISTS core_auditchainhead_no_delete ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
DROP FUNCTION IF EXISTS core_audit_no_truncate();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_GUARD, params=None)  # no %-interpolation of the SQL


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_idempotentrequest")]
    operations = [migrations.RunPython(guard, unguard)]
