// Package sokoproc builds the soko program and runs `soko serve` as a
// process, for the end-to-end tests of the commands (cmd/soko's and
// cmd/soko-load's), which kill and restart it.
package sokoproc

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Main is a TestMain: it compiles cmd/soko with the race detector into
// *binary, in a temporary folder removed afterwards, runs the package's
// tests and exits with their code. Under -short it builds nothing and
// leaves *binary empty: MustStart and SkipShort skip the tests that run
// the program, which make test runs.
func Main(m *testing.M, binary *string) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "soko-e2e")
	if err != nil {
		panic(err)
	}
	*binary = filepath.Join(dir, "soko")
	build := exec.Command("go", "build", "-race", "-o", *binary, "github.com/soko-wms/soko/cmd/soko")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Println("build soko:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Process is a running soko server.
type Process struct {
	Cmd    *exec.Cmd
	URL    string
	Output *bytes.Buffer // everything it printed on stdout up to "listening"
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// MustStart starts `binary serve` on a free port, with env added to this
// process's environment, and waits until it listens. The test's cleanup
// kills it.
func MustStart(t *testing.T, binary string, env []string, args ...string) *Process {
	t.Helper()
	SkipShort(t)
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = io.Discard
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Process{Cmd: cmd, Output: &bytes.Buffer{}}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	var mu sync.Mutex // p.Output is written here until "listening"
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if m := listening.FindStringSubmatch(line); m != nil {
				found <- m[1]
				io.Copy(io.Discard, stdout)
				return
			}
			mu.Lock()
			p.Output.WriteString(line + "\n")
			mu.Unlock()
		}
		close(found)
	}()
	printed := func() string {
		mu.Lock()
		defer mu.Unlock()
		return p.Output.String()
	}
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatalf("soko exited before listening:\n%s", printed())
		}
		p.URL = u
	case <-time.After(2 * time.Minute):
		t.Fatalf("soko did not listen within two minutes:\n%s", printed())
	}
	return p
}

// SkipShort skips a test that runs the soko program under -short.
func SkipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the soko program: -short leaves it to make test")
	}
}

// Kill kills the server with SIGKILL, as a crash would, and waits until it is gone.
func (p *Process) Kill() {
	p.Cmd.Process.Kill()
	p.Cmd.Wait()
}

// Stop sends SIGTERM and expects a clean exit.
func (p *Process) Stop(t *testing.T) {
	t.Helper()
	p.Cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.Cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("soko exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("soko did not stop within 30 s of SIGTERM")
	}
}
