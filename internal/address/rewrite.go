package address

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"github.com/soko-wms/soko/internal/soko"
)

// Rewrite is one field Normalize changed in a way a reader would see.
type Rewrite struct {
	Field        string // as Problem's
	Sent, Stored string
	Message      soko.Text
}

// Rewrites returns, for the recipient's name and company, what Normalize
// changed beyond width and spacing: a circled digit ① that became 1, ㈱
// that became (株), a character Windows-31J lacks replaced by its look-alike.
// Such a change alters what the label prints, so whoever entered the order
// should see it (issue 22); full-width letters turning half-width, or
// half-width katakana full-width, do not, and are not reported. sent is the
// address as given, stored as Normalize returned it; fields are named
// prefix + ".name", as Check names them.
func Rewrites(sent, stored soko.Address, prefix string) []Rewrite {
	var ps []Rewrite
	for _, f := range []struct {
		field, ja, en string
		sent, stored  string
	}{
		{".name", "お名前", "name", sent.Name, stored.Name},
		{".company", "会社名", "company", sent.Company, stored.Company},
	} {
		if f.stored == "" || sameButWidth(f.sent, f.stored) {
			continue
		}
		ps = append(ps, Rewrite{Field: prefix + f.field, Sent: f.sent, Stored: f.stored,
			Message: soko.Text{JA: fmt.Sprintf("%sの「%s」を送り状に印字できる「%s」に置き換えて登録しました", f.ja, f.sent, f.stored),
				EN: fmt.Sprintf("%s %q was stored as %q, which carriers' label software can print", f.en, f.sent, f.stored)}})
	}
	return ps
}

// sameButWidth reports whether a and b differ only in character width
// (ＡＢＣ and ABC, ｶﾞ and ガ) and spacing.
func sameButWidth(a, b string) bool {
	fold := func(s string) string {
		// Half-width ﾞ and ﾟ fold to the spacing marks ゛ and ゜; as
		// combining marks they compose with the kana before them, as NFKC
		// composes them.
		s = strings.NewReplacer("\u309B", "\u3099", "\u309C", "\u309A").Replace(width.Fold.String(s))
		return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	}
	return fold(a) == fold(b)
}
