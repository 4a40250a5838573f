package soko

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. The server maps each to one HTTP status in one table.
const (
	EMALFORMED    = "malformed"    // the request cannot be read at all, e.g. broken JSON
	EINVALID      = "invalid"      // the request is readable but breaks a rule
	ENOTFOUND     = "not_found"    // the thing does not exist for this caller
	ECONFLICT     = "conflict"     // the thing exists already or changed meanwhile
	EUNAUTHORIZED = "unauthorized" // who is asking is unknown
	EFORBIDDEN    = "forbidden"    // who is asking may not do this
	ELOCKED       = "locked"       // a badge is locked after wrong PINs
	ETOOMANY      = "too_many"     // the caller sends faster than allowed
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) is down for now
	EPRECONDITION = "precondition" // the caller's copy is out of date (If-Match)
	EINTERNAL     = "internal"     // a bug or an unexpected failure
)

// Error is soko's one error type: a code for machines and a message for people,
// in Japanese and English, with the fields that were wrong when input was invalid.
type Error struct {
	Code string
	// Message is what people read; its Japanese may be empty, and then
	// they read the English.
	Message Text
	Fields  []FieldError
	// RetryAfter tells a refused caller when to try again (locked, too many).
	RetryAfter time.Duration
}

// FieldError names one invalid input field and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Errorf returns an Error with the given code and an English message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: Text{EN: fmt.Sprintf(format, args...)}}
}

// JA sets the Japanese message, which people on the floor read first.
func (e *Error) JA(format string, args ...any) *Error {
	e.Message.JA = fmt.Sprintf(format, args...)
	return e
}

// WithField adds an invalid field to the error.
func (e *Error) WithField(field, message string) *Error {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: message})
	return e
}

// Retry sets when a refused caller may try again.
func (e *Error) Retry(after time.Duration) *Error {
	e.RetryAfter = after
	return e
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("soko error: code=%s message=%s", e.Code, e.Message.EN)
}

// ErrorCode returns the code of a soko error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of a soko error for people in lang ("ja" or "en").
// Anything that is not a soko error is an internal error whose details stay in the log.
func ErrorMessage(err error, lang string) string {
	var e *Error
	if err == nil {
		return ""
	}
	if !errors.As(err, &e) {
		return Text{JA: "内部エラーが発生しました。", EN: "Internal error."}.In(lang)
	}
	if e.Message.JA == "" {
		return e.Message.EN
	}
	return e.Message.In(lang)
}

// ErrorFields returns the invalid fields of a soko error in err's chain.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Panic is a panic carried from the goroutine it happened on to another,
// which panics again with it. SQLite's writer runs each write
// transaction's body in whichever goroutine leads its commit group, and
// hands a panic back to the body's own goroutine this way: Stack is the
// leader's stack as the body panicked, the body's own frames on top,
// whatever request the leader was serving below them.
type Panic struct {
	Value any
	Stack []byte
}

// PanicAt is value, panicked on stack; a value that is already a *Panic
// keeps the stack it first had.
func PanicAt(value any, stack []byte) *Panic {
	if p, ok := value.(*Panic); ok {
		return p
	}
	return &Panic{Value: value, Stack: stack}
}

func (p *Panic) Error() string {
	return fmt.Sprintf("%v\n\npanicked on another goroutine, at:\n%s", p.Value, p.Stack)
}

// Unwrap is the value panicked with when that was an error, such as
// http.ErrAbortHandler.
func (p *Panic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}
