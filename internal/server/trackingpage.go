package server

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

// trackingWords are the customer's tracking page's words.
var trackingWords = map[string]soko.Text{
	"title":          {JA: "お荷物の配達状況", EN: "Delivery status"},
	"order":          {JA: "ご注文番号", EN: "Order"},
	"shipped":        {JA: "発送日", EN: "Shipped"},
	"destination":    {JA: "お届け先", EN: "Destination"},
	"tracking_no":    {JA: "お問い合わせ伝票番号", EN: "Tracking number"},
	"carrier_page":   {JA: "配送会社のページで確認する", EN: "Track on the carrier's site"},
	"no_status":      {JA: "発送済み（配送会社の情報待ち）", EN: "Shipped (waiting for the carrier)"},
	"no_events":      {JA: "配送会社からの情報はまだありません。", EN: "No news from the carrier yet."},
	"items":          {JA: "お届けする商品", EN: "Items"},
	"note":           {JA: "最新の状況は配送会社のページでもご確認いただけます。ご不明な点はショップへお問い合わせください。", EN: "The carrier's page may show newer news. For questions, please contact the shop."},
	"not_found":      {JA: "ページが見つかりません", EN: "Page not found"},
	"not_found_help": {JA: "URLをご確認ください。発送完了メールに記載のURLからご覧いただけます。", EN: "Please check the address: open it from the shipment email."},
}

// trackingPage is what templates/track.html shows.
type trackingPage struct {
	Lang        string
	T           map[string]string
	Found       bool
	Shop        string
	Order       string
	Shipped     string
	Destination string // prefecture and city only
	ParcelCount int
	Parcels     []trackingPageParcel
	Lines       []soko.EmailLine
}

type trackingPageParcel struct {
	Seq            int
	Carrier        string
	Service        string
	TrackingNumber string
	CarrierURL     string
	Status         string
	StatusCode     string
	Events         []trackingPageEvent
}

type trackingPageEvent struct {
	At         string
	Status     string
	StatusCode string
	Place      string
}

// trackingPage answers GET /track/:token, the customer's page for one shipped
// order, linked from the shipment email: no sign-in, the token is the
// key. Any other token answers 404 with the same page saying so, whether
// it never existed or was mistyped.
func (s *Server) trackingPage(w http.ResponseWriter, r *http.Request) error {
	lang := language(r)
	page := trackingPage{Lang: lang, T: map[string]string{}}
	for k, word := range trackingWords {
		page.T[k] = word.In(lang)
	}
	status := http.StatusOK
	t, err := s.store.TrackShipment(r.Context(), soko.TrackingTokenHash(r.PathValue("token")))
	switch {
	case soko.ErrorCode(err) == soko.ENOTFOUND:
		status = http.StatusNotFound
	case err != nil:
		return err
	default:
		page.fill(t, lang)
	}
	var buf bytes.Buffer
	if err := s.pages.byLang[lang]["track"].ExecuteTemplate(&buf, "track.html", page); err != nil {
		return err
	}
	h := w.Header()
	// The token is the page's only key: no cache keeps it, no link passes it on.
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	return writeHTML(w, status, buf.Bytes())
}

func (p *trackingPage) fill(t *soko.ShipmentTracking, lang string) {
	p.Found, p.Shop, p.Order, p.Lines, p.ParcelCount = true, t.MerchantName, t.OrderNumber, t.Lines, len(t.Parcels)
	p.Destination = strings.TrimSpace(t.Prefecture + " " + t.City)
	if !t.ShippedAt.IsZero() {
		p.Shipped = soko.Text{JA: t.ShippedAt.In(soko.JST).Format("2006年1月2日"), EN: t.ShippedAt.In(soko.JST).Format("2 Jan 2006")}.In(lang)
	}
	for _, tp := range t.Parcels {
		pp := trackingPageParcel{Seq: tp.Seq, Carrier: carrierNameIn(lang, tp.Carrier), Service: serviceName(tp.Carrier, tp.Service),
			TrackingNumber: tp.TrackingNumber, StatusCode: string(tp.Status), Status: p.T["no_status"]}
		if c, ok := carrier.Find(tp.Carrier); ok {
			pp.CarrierURL = c.TrackingURL(tp.TrackingNumber)
		}
		if tp.Status != "" {
			pp.Status = tp.Status.Label().In(lang)
		}
		for _, e := range tp.Events {
			pp.Events = append(pp.Events, trackingPageEvent{
				At:     soko.Text{JA: e.At.In(soko.JST).Format("1月2日 15:04"), EN: e.At.In(soko.JST).Format("2 Jan 15:04")}.In(lang),
				Status: e.Status.Label().In(lang), StatusCode: string(e.Status), Place: e.Place,
			})
		}
		p.Parcels = append(p.Parcels, pp)
	}
}
