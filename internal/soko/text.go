package soko

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
