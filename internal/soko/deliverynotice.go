package soko

import (
	"fmt"
	"time"
)

// DeliveryNotice is what soko tells a customer when the carrier reports
// their parcel delivered (配達完了) or that nobody was in (不在), for
// merchants that ask for it (EmailTemplate.DeliveryNotices). The tracking
// page's link is not in it: only the shipment email holds that token.
type DeliveryNotice struct {
	Status         DeliveryStatus // DeliveryDelivered or DeliveryAbsent
	MerchantName   string
	OrderNumber    string
	CustomerName   string
	Carrier        string // the carrier's name, e.g. ヤマト運輸
	TrackingNumber string
	TrackingURL    string // the carrier's own tracking page, empty when unknown
	At             time.Time
	Place          string
}

// Notified reports whether a parcel moving to s is one a customer hears of.
func (s DeliveryStatus) Notified() bool { return s == DeliveryDelivered || s == DeliveryAbsent }

// Render writes the notice: Japanese first, English after.
func (n DeliveryNotice) Render() (subject, body string) {
	at := n.At.In(JST).Format("2006年1月2日 15:04")
	where := ""
	if n.Place != "" {
		where = "（" + n.Place + "）"
	}
	parcel := fmt.Sprintf("■お問い合わせ伝票番号\n%s %s\n", n.Carrier, n.TrackingNumber)
	if n.TrackingURL != "" {
		parcel += n.TrackingURL + "\n"
	}
	if n.Status == DeliveryAbsent {
		subject = fmt.Sprintf("【%s】お荷物をお届けにあがりましたが、ご不在でした（ご注文番号: %s）", n.MerchantName, n.OrderNumber)
		body = fmt.Sprintf("%s 様\n\n%sをご利用いただき、誠にありがとうございます。\n"+
			"ご注文番号 %s のお荷物を%sにお届けにあがりましたが、ご不在のため持ち戻りました%s。\n"+
			"お手数ですが、不在票または下記の配送会社のページから再配達をご依頼ください。\n\n%s\n%s\n\n"+
			"---\nWe tried to deliver your order %s on %s, but nobody was in. Please arrange a redelivery with the carrier (tracking number above).\n",
			n.CustomerName, n.MerchantName, n.OrderNumber, at, where, parcel, n.MerchantName, n.OrderNumber, n.At.In(JST).Format("2006-01-02 15:04"))
		return subject, body
	}
	subject = fmt.Sprintf("【%s】ご注文の商品のお届けが完了しました（ご注文番号: %s）", n.MerchantName, n.OrderNumber)
	body = fmt.Sprintf("%s 様\n\n%sをご利用いただき、誠にありがとうございます。\n"+
		"ご注文番号 %s のお荷物は%sにお届けが完了しました%s。\n"+
		"お心当たりのない場合は、このメールにご返信ください。\n\n%s\n%s\n\n"+
		"---\nYour order %s was delivered on %s. If it has not reached you, please reply to this email.\n",
		n.CustomerName, n.MerchantName, n.OrderNumber, at, where, parcel, n.MerchantName, n.OrderNumber, n.At.In(JST).Format("2006-01-02 15:04"))
	return subject, body
}
