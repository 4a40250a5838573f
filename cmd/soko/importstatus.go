package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/soko-wms/soko/internal/server"
	"github.com/soko-wms/soko/internal/soko"
)

// importStatus records a delivery status file, as the console's upload
// does: every line, or none with each problem printed.
func importStatus(ctx context.Context, cfg config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: soko import-status FILE")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return fmt.Errorf("cannot read %s: %v", args[0], err)
	}
	defer f.Close()
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	rec, rows, err := server.ImportStatusFile(ctx, db, f, "en")
	var se *soko.Error
	if errors.As(err, &se) {
		for _, fe := range se.Fields {
			fmt.Fprintf(out, "%s: %s\n", fe.Field, fe.Message)
		}
		return fmt.Errorf("%s", se.Message)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d lines: %d events recorded, %d already known, %d parcels changed status\n", rows, rec.Recorded, rec.Duplicates, len(rec.Changed))
	return nil
}
