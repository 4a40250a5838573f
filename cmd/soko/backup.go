package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/soko-wms/soko/internal/storage"
)

// backup writes a consistent copy of the SQLite database to file while
// soko may be serving, and says what the copy holds.
func backup(ctx context.Context, cfg config, args []string, out io.Writer) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("usage: soko backup FILE")
	}
	file := args[0]
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, file); err != nil {
		return errors.New(errorLine(err))
	}
	r, err := inspect(ctx, file)
	if err != nil {
		return err
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "backup written: %s, %s: %d orders, %d products, %d stock movements, schema %s\n",
		file, size(info.Size()), r.Orders, r.Products, r.Movements, r.Migration)
	return nil
}

// restore checks a backup and puts it in place of the configured SQLite
// database, keeping the database it replaces as DATABASE.before-restore.
// soko must be stopped: a database still open elsewhere is refused.
func restore(ctx context.Context, cfg config, args []string, out io.Writer) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("usage: soko restore FILE")
	}
	file, target := args[0], cfg.DatabaseURL
	if strings.Contains(target, "://") {
		return fmt.Errorf("soko restore replaces a SQLite file; restore PostgreSQL with pg_restore, as the README shows")
	}
	r, err := inspect(ctx, file)
	if err != nil {
		return err
	}
	for _, p := range r.Integrity {
		fmt.Fprintln(out, "integrity:", p)
	}
	for _, p := range r.ForeignKeys {
		fmt.Fprintln(out, "foreign key:", p)
	}
	if len(r.Newer) > 0 {
		return fmt.Errorf("%s was written by a newer soko (migrations %s unknown to soko %s): restore it with that version", file, strings.Join(r.Newer, ", "), version)
	}
	if !r.Sound() {
		return fmt.Errorf("%s is damaged (see above); nothing was restored", file)
	}
	copyDB, err := storage.OpenCopy(ctx, file)
	if err != nil {
		return err
	}
	checks, err := copyDB.CheckInvariants(ctx, nil)
	copyDB.Close()
	if err != nil {
		return err
	}
	for _, c := range checks {
		if len(c.Problems) > 0 {
			return fmt.Errorf("%s fails the check %q (%s); nothing was restored", file, c.Name, c.Problems[0])
		}
	}
	if err := notInUse(ctx, target); err != nil {
		return err
	}
	kept := target + ".before-restore"
	if _, err := os.Lstat(kept); err == nil {
		return fmt.Errorf("%s is still there from an earlier restore: move it away first; nothing was restored", kept)
	}
	// The copy is written beside the database, then renamed over it: the
	// database is at every moment either the old file or the whole new one.
	tmp := target + ".restoring"
	if err := copyFile(file, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot copy %s beside %s: %v", file, target, err)
	}
	if _, err := os.Stat(target); err == nil {
		if err := os.Link(target, kept); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("cannot keep the current database as %s: %v; nothing was restored", kept, err)
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot put the backup in place: %v", err)
	}
	if err := syncDir(filepath.Dir(target)); err != nil {
		return err
	}
	fmt.Fprintf(out, "restored %s to %s: %d orders, %d products, %d stock movements, schema %s; every check passed",
		file, target, r.Orders, r.Products, r.Movements, r.Migration)
	if _, err := os.Stat(kept); err == nil {
		fmt.Fprintf(out, "; the database it replaced is %s", kept)
	}
	fmt.Fprintln(out)
	return nil
}

// inspect opens a backup read-only and checks it.
func inspect(ctx context.Context, file string) (*storage.CopyReport, error) {
	db, err := storage.OpenCopy(ctx, file)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", file, errorLine(err))
	}
	defer db.Close()
	r, err := db.InspectCopy(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", file, errorLine(err))
	}
	return r, nil
}

// notInUse refuses a database that another process has open. SQLite's
// last connection to close a database in WAL mode checkpoints it and
// deletes its -wal file, so after opening and closing it ourselves the file
// remains only while someone else holds it (or when it cannot be written).
func notInUse(ctx context.Context, target string) error {
	if _, err := os.Stat(target); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := storage.Open(ctx, target)
	if err != nil {
		return fmt.Errorf("cannot open %s to see whether soko still uses it: %s", target, errorLine(err))
	}
	db.Close()
	if _, err := os.Stat(target + "-wal"); err == nil {
		return fmt.Errorf("%s is in use (its -wal file stays after closing it): stop every soko using it, then restore; nothing was restored", target)
	}
	return nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// syncDir makes a rename in dir survive a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
}
