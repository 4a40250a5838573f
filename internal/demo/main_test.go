package demo_test

import (
	"flag"
	"os"
	"testing"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestMain(m *testing.M) {
	flag.Parse()
	storagetest.QuickHashesUnderShort()
	os.Exit(m.Run())
}
