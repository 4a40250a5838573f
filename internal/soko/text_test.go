package soko_test

import (
	"errors"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
)

func TestText_In(t *testing.T) {
	text := soko.Text{JA: "棚入れ", EN: "Put away"}
	for _, tt := range []struct{ lang, want string }{
		{"en", "Put away"}, {"ja", "棚入れ"}, {"", "棚入れ"}, {"fr", "棚入れ"},
	} {
		if got := text.In(tt.lang); got != tt.want {
			t.Errorf("In(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

// Each language takes the arguments in its own order.
func TestTextf_ArgumentOrder(t *testing.T) {
	got := soko.Textf("%[1]sにサービス %[3]s はありません", "%[2]s has no service %[3]s", "ヤマト運輸", "Yamato Transport", "nekopos")
	want := soko.Text{JA: "ヤマト運輸にサービス nekopos はありません", EN: "Yamato Transport has no service nekopos"}
	if got != want {
		t.Errorf("Textf = %+v, want %+v", got, want)
	}
}

// An error without a Japanese message reads in English in both languages;
// anything that is not a soko error reads as an internal error.
func TestErrorMessage_Languages(t *testing.T) {
	both := soko.Errorf(soko.EINVALID, "no lines").JA("明細がありません")
	english := soko.Errorf(soko.EINVALID, "no lines")
	for _, tt := range []struct {
		err        error
		lang, want string
	}{
		{both, "ja", "明細がありません"}, {both, "en", "no lines"},
		{english, "ja", "no lines"}, {english, "en", "no lines"},
		{errors.New("driver: broken pipe"), "ja", "内部エラーが発生しました。"},
		{errors.New("driver: broken pipe"), "en", "Internal error."},
	} {
		if got := soko.ErrorMessage(tt.err, tt.lang); got != tt.want {
			t.Errorf("ErrorMessage(%v, %q) = %q, want %q", tt.err, tt.lang, got, tt.want)
		}
	}
}
