package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/gormlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/soko-wms/soko/internal/soko"
)

// Backup writes a consistent copy of a SQLite database to path while soko
// keeps serving: VACUUM INTO reads one snapshot, so every transaction
// committed before it started is in the copy and none is half in it. It
// never overwrites a file. PostgreSQL is backed up with its own tools.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return soko.Errorf(soko.EINVALID, "soko backup copies SQLite databases; back up PostgreSQL with pg_dump -Fc (or a base backup with WAL archiving for point-in-time recovery), as the README shows").
			JA("soko backup は SQLite 用です。PostgreSQL は pg_dump -Fc(またはWALアーカイブとベースバックアップ)でバックアップしてください(README参照)")
	}
	if _, err := os.Lstat(path); err == nil || !errors.Is(err, os.ErrNotExist) {
		return soko.Errorf(soko.ECONFLICT, "%s already exists: soko backup never overwrites a file", path).
			JA("%s はすでに存在します。上書きはしません", path)
	}
	// On a connection of its own: SQLite counts VACUUM INTO as a write,
	// which a reading pool that answers only reads refuses, and on the
	// writers' connection it would hold every writer back until it ends.
	conn, err := driver.Open(sqliteDSN(db.url, false))
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, translate(err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, translate(err))
	}
	return nil
}

// CopyReport is what a backup holds, as checked before it is restored.
type CopyReport struct {
	Migration                     string // the last migration applied to it
	Orders, Products, Movements   int64
	Integrity, ForeignKeys, Newer []string // problems; empty when the copy is sound
}

// Sound reports whether the copy can be restored.
func (r *CopyReport) Sound() bool {
	return len(r.Integrity) == 0 && len(r.ForeignKeys) == 0 && len(r.Newer) == 0
}

// OpenCopy opens a SQLite backup read-only, without changing a byte of it,
// to check it before a restore. Close it when done.
func OpenCopy(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, soko.Errorf(soko.ENOTFOUND, "cannot read the backup: %v", err).JA("バックアップを読めません: %v", err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("immutable", "1")
	q.Set("_timefmt", "2006-01-02T15:04:05.000000Z07:00")
	g, err := gorm.Open(gormlite.Open("file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode()), &gorm.Config{
		Logger: logger.Discard, SkipDefaultTransaction: true,
	})
	if err != nil {
		return nil, fmt.Errorf("open backup: %w", translate(err))
	}
	db := &DB{gorm: g, dialect: SQLite, Now: time.Now}
	db.auth = newAuthCache(SQLite, db.now)
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// InspectCopy checks a backup opened with OpenCopy: SQLite's integrity
// check, its foreign keys, and that it was written by a soko no newer than
// this one (whose migrations it knows), and counts what it holds.
func (db *DB) InspectCopy(ctx context.Context) (*CopyReport, error) {
	r := &CopyReport{}
	tx := db.conn(ctx)
	var integrity []string
	if err := tx.Raw("PRAGMA integrity_check").Scan(&integrity).Error; err != nil {
		return nil, fmt.Errorf("the file is not a soko SQLite database: %w", translate(err))
	}
	if len(integrity) != 1 || integrity[0] != "ok" {
		r.Integrity = integrity
	}
	var fks []struct {
		Table  string
		RowID  int64
		Parent string
	}
	if err := tx.Raw("PRAGMA foreign_key_check").Scan(&fks).Error; err != nil {
		return nil, translate(err)
	}
	for _, f := range fks {
		r.ForeignKeys = append(r.ForeignKeys, fmt.Sprintf("%s row %d refers to a missing %s", f.Table, f.RowID, f.Parent))
	}
	var applied []string
	if err := tx.Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&applied).Error; err != nil {
		return nil, soko.Errorf(soko.EINVALID, "the file is not a soko database: %v", err).JA("soko のデータベースではありません: %v", err)
	}
	known, err := Migrations(SQLite)
	if err != nil {
		return nil, err
	}
	for _, v := range applied {
		if !slices.ContainsFunc(known, func(m Migration) bool { return m.Version == v }) {
			r.Newer = append(r.Newer, v)
		}
	}
	if len(applied) > 0 {
		r.Migration = applied[len(applied)-1]
	}
	for table, n := range map[string]*int64{"orders": &r.Orders, "products": &r.Products, "stock_movements": &r.Movements} {
		if err := tx.Table(table).Count(n).Error; err != nil {
			return nil, translate(err)
		}
	}
	return r, nil
}
