package server

import "github.com/soko-wms/soko/internal/soko"

// portalOrderWords are the words of changing an order in the portal
// (portal_orders.js); the actions themselves are the merchant API's.
var portalOrderWords = map[string]soko.Text{
	"change_address":        {JA: "お届け先を変更", EN: "Change address"},
	"done_address":          {JA: "注文 {no} のお届け先を変更しました", EN: "Order {no}: address changed"},
	"done_cancel_requested": {JA: "注文 {no} のキャンセルを倉庫に依頼しました。取り出した商品を棚に戻してからキャンセルになります", EN: "Order {no}: cancellation asked of the warehouse; it is cancelled once the goods picked are back on the shelf"},
	"recipient":             {JA: "お届け先氏名", EN: "Recipient"},
	"postal_code":           {JA: "郵便番号", EN: "Postal code"},
	"prefecture":            {JA: "都道府県", EN: "Prefecture"},
	"city":                  {JA: "市区町村", EN: "City"},
	"address1":              {JA: "町域・番地", EN: "Street address"},
	"address2":              {JA: "建物名・部屋番号", EN: "Building, room"},
	"phone":                 {JA: "電話番号", EN: "Phone"},
	"close":                 {JA: "閉じる", EN: "Close"},
}
