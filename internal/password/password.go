// Package password hashes and checks the portal users' passwords with
// bcrypt: slow on purpose, so a stolen table is not a list of passwords.
package password

import (
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// Cost is bcrypt's work factor: bcrypt.DefaultCost in production; tests
// may lower it to bcrypt.MinCost.
var Cost = bcrypt.DefaultCost

// Hash returns the stored form of a password soko.CheckPassword accepted.
func Hash(pw string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(pw), Cost)
	return string(b), err
}

// dummy is checked against when there is no password to check, so an
// unknown email takes as long to refuse as a wrong password.
var dummy = sync.OnceValue(func() []byte {
	b, _ := bcrypt.GenerateFromPassword([]byte("no such user"), Cost)
	return b
})

// Check reports whether pw is the password of hash; an empty hash (an
// unknown user, or one who has not set a password yet) matches nothing.
func Check(hash, pw string) bool {
	if hash == "" {
		bcrypt.CompareHashAndPassword(dummy(), []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}
