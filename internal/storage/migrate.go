package storage

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"sort"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/migrations"
)

// Migration is one numbered SQL file of a dialect's folder.
type Migration struct {
	Version string // the file name, e.g. 0001_init.sql
	SQL     string
}

var migrationName = regexp.MustCompile(`^[0-9]{4}_[a-z0-9_]+\.sql$`)

// Migrations lists a dialect's migrations in the order they apply.
func Migrations(dialect string) ([]Migration, error) {
	entries, err := fs.ReadDir(migrations.FS, dialect)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		if !migrationName.MatchString(e.Name()) {
			return nil, fmt.Errorf("migration %s/%s: name must look like 0001_name.sql", dialect, e.Name())
		}
		b, err := fs.ReadFile(migrations.FS, dialect+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: e.Name(), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Migrate applies every migration not yet applied, each in its own
// transaction, and returns the versions it applied. Several soko processes
// may start at once: on PostgreSQL an advisory lock lets one migrate while the
// others wait; SQLite's BEGIN IMMEDIATE does the same.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	ms, err := Migrations(db.dialect)
	if err != nil {
		return nil, err
	}
	create := `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`
	if db.dialect == SQLite {
		create = `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at DATETIME NOT NULL)`
	}
	if _, err := db.execOne(ctx, create); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var applied []string
	for _, m := range ms {
		done := false
		err := db.transact(ctx, func(tx *gorm.DB) error {
			if db.dialect == Postgres {
				if err := tx.Exec(`SELECT pg_advisory_xact_lock(7050)`).Error; err != nil {
					return err
				}
			}
			var n int64
			if err := tx.Table("schema_migrations").Where("version = ?", m.Version).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				done = true
				return nil
			}
			if err := tx.Exec(m.SQL).Error; err != nil {
				return err
			}
			return tx.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.Version, db.now()).Error
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s failed: %w", m.Version, err)
		}
		if !done {
			applied = append(applied, m.Version)
		}
	}
	return applied, nil
}
