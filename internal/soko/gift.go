package soko

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// GiftOptions are what a gift order asks of the packing station: how it
// is wrapped, its のし, its message card, and a slip without prices.
type GiftOptions struct {
	// Wrap is set whenever the order is wrapped; Wrapping says how.
	Wrap     bool
	Wrapping Wrapping
	Noshi    Noshi
	// Message is the text of the message card (メッセージカード).
	Message    string
	HidePrices bool
}

// Wrapping is how a gift is wrapped.
type Wrapping string

// The wrappings; the zero value is none.
const (
	WrapNone  Wrapping = ""
	WrapPaper Wrapping = "paper" // 包装紙
	WrapBag   Wrapping = "bag"   // ラッピング袋
	WrapBox   Wrapping = "box"   // 化粧箱
)

// Valid reports whether w is a known wrapping or none.
func (w Wrapping) Valid() bool {
	switch w {
	case WrapNone, WrapPaper, WrapBag, WrapBox:
		return true
	}
	return false
}

// Label is the wrapping as the floor says it.
func (w Wrapping) Label() Text {
	switch w {
	case WrapPaper:
		return Text{JA: "包装紙", EN: "wrapping paper"}
	case WrapBag:
		return Text{JA: "ラッピング袋", EN: "gift bag"}
	case WrapBox:
		return Text{JA: "化粧箱", EN: "gift box"}
	}
	return Text{}
}

// NoshiPlacement is whether the のし goes under the wrapping (内のし, the
// usual choice for a parcel, which keeps it clean) or over it (外のし).
type NoshiPlacement string

// The placements.
const (
	NoshiInner NoshiPlacement = "inner"
	NoshiOuter NoshiPlacement = "outer"
)

// Label is the placement as the floor says it.
func (p NoshiPlacement) Label() Text {
	if p == NoshiOuter {
		return Text{JA: "外のし", EN: "over the wrapping"}
	}
	return Text{JA: "内のし", EN: "under the wrapping"}
}

// Noshi is a のし paper: its 表書き (Title: 御祝, 内祝, 御歳暮, 御中元,
// 御年賀, 寿, 御礼 …) above the 水引 and the name printed under it (名入れ).
// An order without one has an empty Title.
type Noshi struct {
	Title     string
	Name      string
	Placement NoshiPlacement
}

// NoshiTitles are the 表書き shops ask for most, offered as suggestions;
// any other short title is accepted, as a shop may print its own.
var NoshiTitles = []string{"御祝", "内祝", "御歳暮", "御中元", "御年賀", "寿", "御礼", "粗品", "快気祝", "志", "御供"}

// The longest のし fields: a 表書き is a few characters, a 名入れ a family
// name or two, the card a short letter.
const (
	maxNoshiTitle  = 10
	maxNoshiName   = 30
	maxGiftMessage = 200
)

// Normal is g with its parts made consistent: a wrapping implies Wrap and
// Wrap without one is wrapping paper; のし fields are trimmed and a のし
// goes under the wrapping unless it was asked over it.
func (g GiftOptions) Normal() GiftOptions {
	if g.Wrapping != WrapNone {
		g.Wrap = true
	} else if g.Wrap {
		g.Wrapping = WrapPaper
	}
	g.Noshi.Title = strings.TrimSpace(g.Noshi.Title)
	g.Noshi.Name = strings.TrimSpace(g.Noshi.Name)
	if g.Noshi.Title != "" && g.Noshi.Placement == "" {
		g.Noshi.Placement = NoshiInner
	}
	g.Message = strings.TrimSpace(g.Message)
	return g
}

// IsGift reports whether the order asks anything of the packer as a gift.
func (g GiftOptions) IsGift() bool {
	return g.Wrap || g.Wrapping != WrapNone || g.Noshi.Title != "" || g.Message != "" || g.HidePrices
}

// GiftProblem is one thing wrong with an order's gift options, naming the
// field (gift.noshi.title) as a problem does.
type GiftProblem struct {
	Field   string
	Message Text
}

// CheckGift returns what is wrong with normalised gift options: an
// unknown wrapping or placement, a 名入れ without a 表書き, fields too long
// for the paper, or control characters the printer would mangle.
func CheckGift(g GiftOptions) []GiftProblem {
	var out []GiftProblem
	add := func(field, ja, en string) { out = append(out, GiftProblem{field, Text{JA: ja, EN: en}}) }
	if !g.Wrapping.Valid() {
		add("gift.wrapping", "包装は paper（包装紙）・bag（ラッピング袋）・box（化粧箱）のいずれかです", "wrapping is paper, bag or box")
	}
	switch {
	case g.Noshi.Placement != "" && g.Noshi.Placement != NoshiInner && g.Noshi.Placement != NoshiOuter:
		add("gift.noshi.placement", "のしの掛け方は inner（内のし）か outer（外のし）です", "placement is inner or outer")
	case g.Noshi.Title == "" && (g.Noshi.Name != "" || g.Noshi.Placement != ""):
		add("gift.noshi.title", "のしの表書き（御祝・内祝など）を入れてください", "a noshi needs its title (表書き), e.g. 御祝")
	}
	for _, f := range []struct {
		field, value string
		max          int
		lines        bool
	}{
		{"gift.noshi.title", g.Noshi.Title, maxNoshiTitle, false},
		{"gift.noshi.name", g.Noshi.Name, maxNoshiName, false},
		{"gift.message", g.Message, maxGiftMessage, true},
	} {
		if n := utf8.RuneCountInString(f.value); n > f.max {
			add(f.field, "長すぎます（"+strconv.Itoa(f.max)+"文字まで）", "too long (at most "+strconv.Itoa(f.max)+" characters)")
		} else if strings.ContainsFunc(f.value, func(r rune) bool { return unicode.IsControl(r) && !(f.lines && (r == '\n' || r == '\r')) }) {
			add(f.field, "制御文字は使えません", "control characters are not allowed")
		}
	}
	return out
}

// PackCheck is one item of the checklist the packer confirms before a
// parcel is closed: a gift option or an insert. Key names it in the
// request that confirms it (wrapping, noshi, message, hide_prices,
// insert:<code>).
type PackCheck struct {
	Key    string
	Label  Text // what to do
	Detail Text // what exactly: the 表書き, the card's text
	Insert *InsertPick
}

// PackChecks is the checklist of an order: its gift options, then the
// inserts that go into its box.
func PackChecks(g GiftOptions, inserts []InsertPick) []PackCheck {
	var out []PackCheck
	if g.Wrap || g.Wrapping != WrapNone {
		w := g.Normal().Wrapping.Label()
		out = append(out, PackCheck{Key: "wrapping", Label: Text{JA: "ギフト包装：" + w.JA, EN: "Gift wrap: " + w.EN}, Detail: w})
	}
	if n := g.Noshi; n.Title != "" {
		placement := n.Placement.Label()
		detail := n.Title
		if n.Name != "" {
			detail += "／" + n.Name
		}
		out = append(out, PackCheck{Key: "noshi", Label: Text{JA: "のし（" + placement.JA + "）：" + detail, EN: "Noshi (" + placement.EN + "): " + detail},
			Detail: Text{JA: detail, EN: detail}})
	}
	if g.Message != "" {
		out = append(out, PackCheck{Key: "message", Label: Text{JA: "メッセージカードを同封", EN: "Message card enclosed"}, Detail: Text{JA: g.Message, EN: g.Message}})
	}
	if g.HidePrices {
		out = append(out, PackCheck{Key: "hide_prices", Label: Text{JA: "金額なし：値札・金額の分かる物を入れない", EN: "No prices: no price tags or receipts in the box"}})
	}
	for i := range inserts {
		in := &inserts[i]
		name := in.Name
		if name == "" {
			name = in.ProductName
		}
		out = append(out, PackCheck{Key: "insert:" + in.Code, Label: Text{JA: "同梱物：" + name + " ×" + strconv.Itoa(in.Quantity),
			EN: "Insert: " + name + " ×" + strconv.Itoa(in.Quantity)}, Detail: Text{JA: in.SKU, EN: in.SKU}, Insert: in})
	}
	return out
}

// Unconfirmed returns the checks whose keys are not among confirmed.
func Unconfirmed(checks []PackCheck, confirmed []string) []PackCheck {
	have := make(map[string]bool, len(confirmed))
	for _, k := range confirmed {
		have[k] = true
	}
	var out []PackCheck
	for _, c := range checks {
		if !have[c.Key] {
			out = append(out, c)
		}
	}
	return out
}
