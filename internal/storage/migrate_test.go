package storage_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestMigrations_SameFilesForBothDialects(t *testing.T) {
	pg, err := storage.Migrations(storage.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := storage.Migrations(storage.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []storage.Migration) (out []string) {
		for _, m := range ms {
			out = append(out, m.Version)
		}
		return out
	}
	if !slices.Equal(names(pg), names(lite)) {
		t.Fatalf("migrations/postgres has %v, migrations/sqlite has %v", names(pg), names(lite))
	}
	if len(pg) == 0 {
		t.Fatal("no migrations")
	}
}

func TestMigrate_SecondRunAppliesNothing(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		applied, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v", applied)
		}
		var n int64
		storage.Conn(db, context.Background()).Table("schema_migrations").Count(&n)
		all, _ := storage.Migrations(db.Dialect())
		if int(n) != len(all) {
			t.Fatalf("schema_migrations has %d rows, want %d", n, len(all))
		}
	})
}

// schemaShape is what a schema is made of, in words both dialects share:
// tables with their columns, indexes with their columns, and foreign keys.
type schemaShape struct {
	Columns     map[string][]string // table → columns, sorted
	Indexes     map[string]string   // index name → table(columns), for named indexes
	ForeignKeys []string            // table(columns) → table, sorted
}

// TestMigrations_SameSchemaOnBothDialects compares the schemas the
// migrations make, not their file names: the same tables, columns, named
// indexes and foreign keys on SQLite and PostgreSQL.
func TestMigrations_SameSchemaOnBothDialects(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "the schemas are compared with PostgreSQL's")
	lite, pg := sqliteShape(t, storagetest.MustOpenSQLite(t)), postgresShape(t, storagetest.MustOpenPostgres(t))
	for table, cols := range pg.Columns {
		if !slices.Equal(cols, lite.Columns[table]) {
			t.Errorf("table %s: PostgreSQL has %v, SQLite %v", table, cols, lite.Columns[table])
		}
	}
	for table := range lite.Columns {
		if _, ok := pg.Columns[table]; !ok {
			t.Errorf("table %s is on SQLite only", table)
		}
	}
	for name, def := range pg.Indexes {
		if lite.Indexes[name] != def {
			t.Errorf("index %s: PostgreSQL %s, SQLite %q", name, def, lite.Indexes[name])
		}
	}
	for name := range lite.Indexes {
		if _, ok := pg.Indexes[name]; !ok {
			t.Errorf("index %s is on SQLite only", name)
		}
	}
	if !slices.Equal(pg.ForeignKeys, lite.ForeignKeys) {
		t.Errorf("foreign keys differ:\nPostgreSQL %v\nSQLite     %v", pg.ForeignKeys, lite.ForeignKeys)
	}
	if len(pg.Columns) < 20 || len(pg.ForeignKeys) < 20 || len(pg.Indexes) < 10 {
		t.Fatalf("%d tables, %d indexes, %d foreign keys: fewer than the schema has", len(pg.Columns), len(pg.Indexes), len(pg.ForeignKeys))
	}
}

// unindexedForeignKeys are the foreign keys no query looks rows up by:
// who did something, kept for the record. Any other foreign key needs an
// index that starts with its column, or a lookup by it scans the table.
var unindexedForeignKeys = []string{
	"billing_adjustments.staff_id", "billing_statements.closed_by",
	"count_tasks.staff_id", "document_prints.staff_id", "manifest_prints.staff_id",
	"manifests.closed_by", "manifests.confirmed_by", "manifests.opened_by",
	"order_events.staff_id", "pick_tasks.product_id", "return_units.staff_id", "stock_movements.staff_id", "waves.released_by",
}

func TestMigrations_ForeignKeysAreIndexed(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "PostgreSQL's catalogue lists the foreign keys")
	var missing []string
	err := storage.Conn(storagetest.MustOpenPostgres(t), context.Background()).Raw(`
		SELECT c.conrelid::regclass::text || '.' || a.attname
		FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
		AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
		ORDER BY 1`).Scan(&missing).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, fk := range missing {
		if !slices.Contains(unindexedForeignKeys, fk) {
			t.Errorf("foreign key %s has no index starting with it", fk)
		}
	}
}

func sqliteShape(t *testing.T, db *storage.DB) schemaShape {
	t.Helper()
	conn := storage.Conn(db, context.Background())
	s := schemaShape{Columns: map[string][]string{}, Indexes: map[string]string{}}
	var tables []string
	if err := conn.Raw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		var cols []struct{ Name string }
		conn.Raw(`SELECT name FROM pragma_table_info(?)`, table).Scan(&cols)
		for _, c := range cols {
			s.Columns[table] = append(s.Columns[table], c.Name)
		}
		slices.Sort(s.Columns[table])
		var fks []struct{ Cols, Parent string }
		conn.Raw(`SELECT group_concat("from", ', ') AS cols, "table" AS parent
			FROM (SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq) GROUP BY id`, table).Scan(&fks)
		for _, fk := range fks {
			s.ForeignKeys = append(s.ForeignKeys, table+"("+fk.Cols+") → "+fk.Parent)
		}
		var idx []struct{ Name, Origin string }
		conn.Raw(`SELECT name, origin FROM pragma_index_list(?)`, table).Scan(&idx)
		for _, i := range idx {
			if i.Origin != "c" {
				continue // made by a UNIQUE or PRIMARY KEY clause: named by SQLite, not by us
			}
			var cols []string
			conn.Raw(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, i.Name).Scan(&cols)
			s.Indexes[i.Name] = table + "(" + strings.Join(cols, ", ") + ")"
		}
	}
	slices.Sort(s.ForeignKeys)
	return s
}

func postgresShape(t *testing.T, db *storage.DB) schemaShape {
	t.Helper()
	conn := storage.Conn(db, context.Background())
	s := schemaShape{Columns: map[string][]string{}, Indexes: map[string]string{}}
	var cols []struct{ TableName, ColumnName string }
	if err := conn.Raw(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`).Scan(&cols).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		s.Columns[c.TableName] = append(s.Columns[c.TableName], c.ColumnName)
	}
	for table := range s.Columns {
		slices.Sort(s.Columns[table])
	}
	var fks []struct{ Child, Cols, Parent string }
	conn.Raw(`SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
		(SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS cols
		FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`).Scan(&fks)
	for _, fk := range fks {
		s.ForeignKeys = append(s.ForeignKeys, fk.Child+"("+fk.Cols+") → "+fk.Parent)
	}
	slices.Sort(s.ForeignKeys)
	// Named indexes only: those a constraint made (primary keys, UNIQUE)
	// are named by each database its own way.
	var idx []struct{ Name, Table, Cols string }
	conn.Raw(`SELECT i.relname AS name, t.relname AS table, string_agg(a.attname, ', ' ORDER BY k.n) AS cols
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
		WHERE t.relnamespace = current_schema()::regnamespace
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
		GROUP BY i.relname, t.relname`).Scan(&idx)
	for _, i := range idx {
		s.Indexes[i.Name] = i.Table + "(" + i.Cols + ")"
	}
	return s
}
