package server

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

// trackingWords are the customer's tracking page's words.
var trackingWords = map[string][2]string{
	"title":          {"お荷物の配達状況", "Delivery status"},
	"order":          {"ご注文番号", "Order"},
	"shipped":        {"発送日", "Shipped"},
	"destination":    {"お届け先", "Destination"},
	"tracking_no":    {"お問い合わせ伝票番号", "Tracking number"},
	"carrier_page":   {"配送会社のページで確認する", "Track on the carrier's site"},
	"no_status":      {"発送済み（配送会社の情報待ち）", "Shipped (waiting for the carrier)"},
	"no_events":      {"配送会社からの情報はまだありません。", "No news from the carrier yet."},
	"items":          {"お届けする商品", "Items"},
	"note":           {"最新の状況は配送会社のページでもご確認いただけます。ご不明な点はショップへお問い合わせください。", "The carrier's page may show newer news. For questions, please contact the shop."},
	"not_found":      {"ページが見つかりません", "Page not found"},
	"not_found_help": {"URLをご確認ください。発送完了メールに記載のURLからご覧いただけます。", "Please check the address: open it from the shipment email."},
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
	i := 0
	if lang == "en" {
		i = 1
	}
	page := trackingPage{Lang: lang, T: map[string]string{}}
	for k, pair := range trackingWords {
		page.T[k] = pair[i]
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
		p.Shipped = localized(lang, t.ShippedAt.In(soko.JST).Format("2006年1月2日"), t.ShippedAt.In(soko.JST).Format("2 Jan 2006"))
	}
	for _, tp := range t.Parcels {
		pp := trackingPageParcel{Seq: tp.Seq, Carrier: carrierNameIn(lang, tp.Carrier), Service: serviceName(tp.Carrier, tp.Service),
			TrackingNumber: tp.TrackingNumber, StatusCode: string(tp.Status), Status: p.T["no_status"]}
		if c, ok := carrier.Find(tp.Carrier); ok {
			pp.CarrierURL = c.TrackingURL(tp.TrackingNumber)
		}
		if tp.Status != "" {
			pp.Status = localized(lang, tp.Status.Japanese(), tp.Status.English())
		}
		for _, e := range tp.Events {
			pp.Events = append(pp.Events, trackingPageEvent{
				At:     localized(lang, e.At.In(soko.JST).Format("1月2日 15:04"), e.At.In(soko.JST).Format("2 Jan 15:04")),
				Status: localized(lang, e.Status.Japanese(), e.Status.English()), StatusCode: string(e.Status), Place: e.Place,
			})
		}
		p.Parcels = append(p.Parcels, pp)
	}
}
