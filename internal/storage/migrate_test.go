package storage_test

import (
	"context"
	"slices"
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
