package soko

import "fmt"

// Text is something people read, in Japanese and English: a message, a
// label, a word on a page. Japanese is what the floor reads first; English
// is for those who ask for it.
type Text struct {
	JA, EN string
}

// In returns the text in lang: English when lang is "en", else Japanese.
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.JA
}

// Textf formats ja and en with the same arguments, as fmt.Sprintf does;
// explicit argument indexes (%[2]s) let each language take them in its
// own order.
func Textf(ja, en string, args ...any) Text {
	return Text{JA: fmt.Sprintf(ja, args...), EN: fmt.Sprintf(en, args...)}
}
