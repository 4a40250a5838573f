package server

import "testing"

func TestAcceptedLanguage(t *testing.T) {
	tests := []struct {
		header, want string
	}{
		{"", "ja"},
		{"en", "en"},
		{"en-US,en;q=0.9", "en"},
		{"ja-JP", "ja"},
		{"fr, ja;q=0.5, en;q=0.9", "en"},
		{"fr, en;q=0.5, ja;q=0.9", "ja"},
		{"de, fr", "ja"},
		{"en;q=0, fr", "ja"},
		{"ja;q=0.8, en;q=0.8", "ja"},
		{"en;q=0.8, ja;q=0.8", "en"},
		{"EN-gb;Q=0.7, ja;q=0.3", "en"},
		{"en;q=bogus, ja;q=0.1", "ja"},
	}
	for _, tt := range tests {
		if got := acceptedLanguage(tt.header); got != tt.want {
			t.Errorf("acceptedLanguage(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}
