package address

import (
	"strings"
	"testing"
)

func TestPrefectures(t *testing.T) {
	if len(Prefectures) != 47 {
		t.Fatalf("len(Prefectures) = %d, want 47", len(Prefectures))
	}
	seen := map[string]bool{}
	for i, name := range Prefectures {
		if seen[name] {
			t.Errorf("%s listed twice", name)
		}
		seen[name] = true
		if !strings.HasSuffix(name, "都") && !strings.HasSuffix(name, "道") &&
			!strings.HasSuffix(name, "府") && !strings.HasSuffix(name, "県") {
			t.Errorf("%s has no 都道府県 suffix", name)
		}
		if got := PrefectureCode(name); got != i+1 {
			t.Errorf("PrefectureCode(%s) = %d, want %d", name, got, i+1)
		}
	}
}

func TestPrefectureCode(t *testing.T) {
	tests := []struct {
		name string
		want int
	}{
		{"北海道", 1}, {"青森県", 2}, {"東京都", 13}, {"神奈川県", 14}, {"京都府", 26},
		{"大阪府", 27}, {"福岡県", 40}, {"沖縄県", 47},
		{"東京", 13}, {"大阪", 27}, {"京都", 26}, {"神奈川", 14}, {"鹿児島", 46},
		{" 東京都 ", 13},
		{"北海", 0}, {"", 0}, {"東京府", 0}, {"Tokyo", 0}, {"東京都千代田区", 0},
	}
	for _, tt := range tests {
		if got := PrefectureCode(tt.name); got != tt.want {
			t.Errorf("PrefectureCode(%q) = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestPrefectures_PostalCoverage checks that every three-digit prefix from 001
// to 999 belongs to some prefecture, so a real code is never refused for
// belonging nowhere.
func TestPrefectures_PostalCoverage(t *testing.T) {
	for prefix := 1; prefix <= 999; prefix++ {
		if len(postalPrefectures(prefix)) == 0 {
			t.Errorf("prefix %03d belongs to no prefecture", prefix)
		}
	}
	if got := postalPrefectures(0); len(got) != 0 {
		t.Errorf("prefix 000 belongs to %v, want none", got)
	}
}

// TestPrefectures_Unchanged checks that changing the exported list does not
// change what the package accepts.
func TestPrefectures_Unchanged(t *testing.T) {
	saved := Prefectures[12]
	Prefectures[12] = "江戸"
	defer func() { Prefectures[12] = saved }()
	if PrefectureCode("東京都") != 13 || PrefectureCode("江戸") != 0 {
		t.Error("PrefectureCode follows changes to Prefectures")
	}
}
