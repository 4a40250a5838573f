package storage_test

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestMain(m *testing.M) {
	flag.Parse()
	storagetest.QuickHashesUnderShort()
	code := m.Run()
	if os.Getenv("SOKO_TEST_POSTGRES") != "" {
		fmt.Printf("storage: %d tests ran on PostgreSQL\n", storagetest.PostgresRuns.Load())
	} else {
		fmt.Println("storage: SOKO_TEST_POSTGRES not set; PostgreSQL tests skipped")
	}
	os.Exit(code)
}
