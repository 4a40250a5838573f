package server

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestMain runs the package's tests; under -short it hashes PINs and
// passwords cheaply and leaves the browser tests out.
func TestMain(m *testing.M) {
	flag.Parse()
	storagetest.QuickHashesUnderShort()
	if testing.Short() {
		if err := skipBrowserTests(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}

// skipBrowserTests sets -skip to every test function of *_browser_test.go,
// as make test-browser lists them, unless -skip is set already. Each would
// skip in mustBrowser anyway, but only after seeding its database and
// server: a third of a short run's time.
func skipBrowserTests() error {
	skip := flag.Lookup("test.skip")
	if skip.Value.String() != "" {
		return nil
	}
	files, err := filepath.Glob("*_browser_test.go")
	if err != nil {
		return err
	}
	testFunc := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	var names []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		for _, m := range testFunc.FindAllStringSubmatch(string(src), -1) {
			names = append(names, m[1])
		}
	}
	if len(names) == 0 {
		return nil
	}
	return skip.Value.Set("^(" + strings.Join(names, "|") + ")$")
}
