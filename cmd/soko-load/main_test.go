package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/soko-wms/soko/cmd/internal/sokoproc"
)

// binary is the soko program the end-to-end tests drive, built once.
var binary string

func TestMain(m *testing.M) { sokoproc.Main(m, &binary) }

// mustStart starts `soko serve` on a free port and waits until it listens.
func mustStart(t *testing.T, env []string, args ...string) *sokoproc.Process {
	t.Helper()
	return sokoproc.MustStart(t, binary, env, args...)
}

// runLoadCommand runs soko-load in-process on database dbURL and returns what it printed.
func runLoadCommand(t *testing.T, dbURL string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	getenv := func(k string) string {
		if k == "SOKO_DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	err := run(context.Background(), args, getenv, &out, io.Discard)
	return out.String(), err
}

// runSoko runs a soko command on database dbURL and returns what it printed.
func runSoko(t *testing.T, dbURL string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "SOKO_DATABASE_URL="+dbURL)
	out, err := cmd.Output()
	return string(out), err
}
