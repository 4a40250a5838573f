package soko

import (
	"errors"
	"net/http"
	"testing"
)

// A panic carried twice keeps the stack it first had, and one that was an
// error still answers errors.Is for it (the server aborts on
// http.ErrAbortHandler however it came back).
func TestPanicAt_KeepsTheFirstStackAndItsError(t *testing.T) {
	first := PanicAt(http.ErrAbortHandler, []byte("the first stack"))
	again := PanicAt(first, []byte("a later stack"))
	if again != first || string(again.Stack) != "the first stack" {
		t.Errorf("carried again: %q, want the first stack", again.Stack)
	}
	if !errors.Is(again, http.ErrAbortHandler) {
		t.Error("errors.Is does not find the error panicked with")
	}
	if errors.Is(PanicAt("boom", nil), http.ErrAbortHandler) {
		t.Error("a panic with a string unwraps to an error")
	}
}
