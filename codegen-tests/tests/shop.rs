//! The shop contract (build/tests/contracts): a service implementing the
//! generated service trait, hosted on loopback, called by the generated
//! client over SOAP 1.1 and 1.2 — nested types, arrays, enums, lists,
//! attributes, a choice, an extension, nillable and optional fields, a
//! typed fault, a bare operation and an rpc/literal one round-trip.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wws_codegen_tests::shop::{
    Address, Auth, CheckStock, CheckStockResponse, Currency, GetOrder, GetOrderResponse, Line,
    Money, Order, OrderChoice, OrderFamily, OrderFault, OrderGift, OrderTags, Ping, PlaceOrder,
    PlaceOrderRequestHeaders, PlaceOrderResponse, PlaceOrderResponseHeaders, Pong, PriorityOrder,
    ShopClient, ShopService, Status, StockClient, StockService, Trace,
    shop_port_type_op as shop_op, stock_port_type_op as stock_op,
};
use wws_core::operation::{Operation, Reply, ServiceFault};
use wws_core::xsd::{Decimal, List, Nillable, SimpleType};
use wws_core::{AddressingVersion, EnvelopeVersion, Fault};
use wws_host::{Endpoint, OperationContext, ServiceHost};
use wws_proxy::{CallOptions, ServiceProxy};

const STEP: Duration = Duration::from_secs(10);

async fn within<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(STEP, f).await.expect("in time")
}

#[derive(Default)]
struct Shop {
    orders: Mutex<Vec<OrderFamily>>,
}

impl ShopService for Shop {
    async fn place_order(
        &self,
        ctx: &OperationContext,
        req: PlaceOrder,
    ) -> Reply<shop_op::PlaceOrder> {
        let headers = PlaceOrderRequestHeaders::from_headers(ctx.headers())
            .map_err(|e| Fault::sender(e.to_string()))?;
        if headers.auth.map(|a| a.token).as_deref() != Some("secret") {
            return Err(Fault::sender("not authorised").into());
        }
        let trace = PlaceOrderResponseHeaders {
            trace: Some(Trace { id: "t-1".into() }),
        };
        let trace = trace
            .to_headers(EnvelopeVersion::Soap12)
            .map_err(|e| Fault::receiver(e.to_string()))?;
        for h in trace {
            // Marked mustUnderstand for either SOAP version: the client's
            // typed reply headers understand it.
            let xml = String::from_utf8_lossy(&h.xml).into_owned();
            let (name_end, _) = xml
                .char_indices()
                .find(|&(_, c)| c == ' ' || c == '>')
                .ok_or_else(|| Fault::receiver("header without a name"))?;
            let marked = format!(
                r#"{} xmlns:mu11="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mu12="http://www.w3.org/2003/05/soap-envelope" mu11:mustUnderstand="1" mu12:mustUnderstand="true"{}"#,
                &xml[..name_end],
                &xml[name_end..]
            );
            let h = wws_core::Header::from_xml(EnvelopeVersion::Soap12, marked)
                .map_err(|e| Fault::receiver(e.to_string()))?;
            ctx.add_reply_header(h);
        }
        let family = req.order;
        // A PriorityOrder may come in an Order's place (xsi:type).
        let order = match &family {
            OrderFamily::Order(o) => o,
            OrderFamily::PriorityOrder(p) => &p.base,
        };
        if order.line.is_empty() {
            return Err(ServiceFault::with_detail(
                Fault::sender("an order needs lines"),
                OrderFault {
                    reason: "no lines".into(),
                    id: order.id,
                },
            ));
        }
        // In cents: the shop's prices have two decimals at most.
        let mut cents = 0i64;
        for l in &order.line {
            let price: f64 = l.price.value.to_string().parse().unwrap_or(0.0);
            cents += (price * 100.0).round() as i64 * i64::from(l.quantity);
        }
        let total: Decimal = format!("{}.{:02}", cents / 100, cents % 100)
            .parse()
            .map_err(|e: String| Fault::receiver(e))?;
        let id = order.id;
        let mut orders = self
            .orders
            .lock()
            .map_err(|_| Fault::receiver("poisoned"))?;
        orders.push(family);
        if let Some(rush) = req.rush {
            orders.push(OrderFamily::PriorityOrder(rush));
        }
        Ok(PlaceOrderResponse {
            order_id: id,
            status: Status::Pending,
            total: Money {
                value: total,
                currency: Currency::Eur,
            },
        })
    }

    async fn get_order(&self, _ctx: &OperationContext, req: GetOrder) -> Reply<shop_op::GetOrder> {
        let orders = self
            .orders
            .lock()
            .map_err(|_| Fault::receiver("poisoned"))?;
        Ok(GetOrderResponse {
            order: orders
                .iter()
                .find(|o| match o {
                    OrderFamily::Order(o) => o.id == req.id,
                    OrderFamily::PriorityOrder(p) => p.base.id == req.id,
                })
                .cloned(),
        })
    }

    async fn ping(&self, _ctx: &OperationContext, req: Ping) -> Reply<shop_op::Ping> {
        Ok(Pong {
            value: Address {
                street: req.value,
                city: "Pong".into(),
                zip: None,
                country: Some("NL".into()),
            },
        })
    }
}

struct Stock;

impl StockService for Stock {
    async fn check_stock(
        &self,
        _ctx: &OperationContext,
        req: CheckStock,
    ) -> Reply<stock_op::CheckStock> {
        Ok(CheckStockResponse {
            available: req.sku.starts_with('A') && req.count < 10,
        })
    }
}

fn order(id: i64) -> Order {
    Order {
        placed: SimpleType::parse("2026-12-01T10:00:00.5+01:00").expect("dateTime"),
        status: Status::InTransit,
        ship_to: Address {
            street: "Main 1".into(),
            city: "Delft".into(),
            zip: Some("2611".into()),
            country: Some("NL".into()),
        },
        bill_to: None,
        line: vec![
            Line {
                sku: "A-1".into(),
                quantity: 2,
                price: Money {
                    value: "1.25".parse().expect("decimal"),
                    currency: Currency::Eur,
                },
                note: Some(Nillable::Nil),
                id: 1,
            },
            Line {
                sku: "B-2".into(),
                quantity: 1,
                price: Money {
                    value: "10".parse().expect("decimal"),
                    currency: Currency::PoundSterling,
                },
                note: Some(Nillable::Value("fragile".into())),
                id: 2,
            },
        ],
        tags: Some(OrderTags {
            tag: vec!["gift".into(), "rush".into()],
        }),
        choice: OrderChoice::Phone("+31 15".into()),
        discount: Nillable::Nil,
        sizes: Some(List(vec![38, 42])),
        gift: OrderGift::Wrapped,
        any: Vec::new(),
        id,
        content_type: None,
        any_attribute: Vec::new(),
    }
}

#[test]
fn operations_carry_the_wsdl_actions() {
    assert_eq!(
        shop_op::PlaceOrder::ACTION,
        "http://example.org/wws/shop/PlaceOrder"
    );
    assert_eq!(
        shop_op::PlaceOrder::reply_action(),
        "http://example.org/wws/shop/PlaceOrderDone"
    );
    assert_eq!(shop_op::Ping::ACTION, "");
    assert_eq!(stock_op::CheckStock::PORT_TYPE, "StockPortType");
    let w = wws_codegen_tests::warnings("shop");
    assert!(
        w.contains("remote import http://www.w3.org/2005/05/xmlmime"),
        "{w}"
    );
    assert_eq!(wws_codegen_tests::warnings("calculator"), "\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_client_calls_generated_service() {
    let host = ServiceHost::new(([127, 0, 0, 1], 0).into());
    let shop = Arc::new(Shop::default()).into_contract();
    for (path, envelope) in [
        ("/shop", EnvelopeVersion::Soap11),
        ("/shop12", EnvelopeVersion::Soap12),
    ] {
        host.add_endpoint(Endpoint::new(
            path,
            envelope,
            AddressingVersion::Transport,
            shop.clone(),
        ))
        .expect("endpoint");
    }
    host.add_endpoint(Endpoint::new(
        "/stock",
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        Arc::new(Stock).into_contract(),
    ))
    .expect("endpoint");
    within(host.open()).await.expect("open");
    let addr = host.local_addr().expect("bound");

    for (n, (path, envelope)) in [
        ("/shop", EnvelopeVersion::Soap11),
        ("/shop12", EnvelopeVersion::Soap12),
    ]
    .into_iter()
    .enumerate()
    {
        let proxy = ServiceProxy::new(
            &format!("http://{addr}{path}"),
            envelope,
            AddressingVersion::Transport,
        )
        .expect("proxy");
        within(proxy.open()).await.expect("proxy open");
        let client = ShopClient::new(proxy);
        let id = 7 + n as i64;
        let mut rush = order(100 + id);
        rush.choice = OrderChoice::Email("a@example.org".into());
        rush.discount = Nillable::Value("0.5".parse().expect("decimal"));
        let auth = |token: &str| PlaceOrderRequestHeaders {
            auth: Some(Auth {
                token: token.into(),
            }),
        };
        let req = PlaceOrder {
            order: OrderFamily::Order(order(id)),
            rush: Some(PriorityOrder {
                base: rush.clone(),
                priority: 1,
            }),
        };
        // The typed request header travels; without it the service refuses.
        let refused = within(client.place_order(&req))
            .await
            .expect_err("no header");
        assert!(refused.to_string().contains("not authorised"), "{refused}");
        let wrong = client
            .place_order_with_headers(&req, &auth("guess"), CallOptions::new())
            .expect("headers written");
        assert!(within(wrong).await.is_err());
        let placed = client
            .place_order_with_headers(&req, &auth("secret"), CallOptions::new())
            .expect("headers written");
        let (placed, reply_headers) = within(placed).await.expect("placed");
        // The service's typed reply header comes back typed, though it is
        // marked mustUnderstand and no layer of the proxy understands it.
        assert_eq!(
            reply_headers,
            PlaceOrderResponseHeaders {
                trace: Some(Trace { id: "t-1".into() }),
            }
        );
        assert_eq!(placed.order_id, id);
        assert_eq!(placed.status, Status::Pending);
        assert_eq!(
            placed.total.value,
            "12.50".parse::<Decimal>().expect("decimal")
        );
        assert_eq!(placed.total.currency, Currency::Eur);

        // Every field came through the service and back as it was sent.
        let got = within(client.get_order(&GetOrder { id }))
            .await
            .expect("got");
        assert_eq!(
            got.order,
            Some(OrderFamily::Order(order(id))),
            "{envelope:?}"
        );
        let got = within(client.get_order(&GetOrder { id: 100 + id }))
            .await
            .expect("got");
        // Stored as the derived type, it comes back as one (xsi:type) where an Order is declared.
        assert_eq!(
            got.order,
            Some(OrderFamily::PriorityOrder(PriorityOrder {
                base: rush.clone(),
                priority: 1
            })),
            "{envelope:?}"
        );
        // And a derived value sent in the base's place reaches the service whole.
        let urgent = PriorityOrder {
            base: order(200 + id),
            priority: 9,
        };
        let placed = client
            .place_order_with_headers(
                &PlaceOrder {
                    order: OrderFamily::PriorityOrder(urgent.clone()),
                    rush: None,
                },
                &auth("secret"),
                CallOptions::new(),
            )
            .expect("headers written");
        within(placed).await.expect("placed");
        let got = within(client.get_order(&GetOrder { id: 200 + id }))
            .await
            .expect("got");
        assert_eq!(
            got.order,
            Some(OrderFamily::PriorityOrder(urgent)),
            "{envelope:?}"
        );
        let none = within(client.get_order(&GetOrder { id: -1 }))
            .await
            .expect("none");
        assert_eq!(none.order, None);

        // The typed fault's detail.
        let mut empty = order(99);
        empty.line.clear();
        let call = client
            .place_order_with_headers(
                &PlaceOrder {
                    order: OrderFamily::Order(empty),
                    rush: None,
                },
                &auth("secret"),
                CallOptions::new(),
            )
            .expect("headers written");
        let err = within(call).await.expect_err("no lines faults");
        let detail = err
            .fault_detail::<OrderFault>()
            .expect("a detail")
            .expect("decodes");
        assert_eq!(
            detail,
            OrderFault {
                reason: "no lines".into(),
                id: 99
            }
        );

        // Bare: a simple element in, a named complex type out.
        let pong = within(client.ping(&Ping { value: "hi".into() }))
            .await
            .expect("pong");
        assert_eq!(pong.value.street, "hi");
        assert_eq!(pong.value.country.as_deref(), Some("NL"));
        within(client.proxy().close()).await.expect("close");
    }

    // rpc/literal.
    let proxy = ServiceProxy::new(
        &format!("http://{addr}/stock"),
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
    )
    .expect("proxy");
    within(proxy.open()).await.expect("proxy open");
    let stock = StockClient::new(proxy);
    let yes = within(stock.check_stock(&CheckStock {
        sku: "A-1".into(),
        count: 3,
    }))
    .await
    .expect("rpc");
    assert!(yes.available);
    let no = within(stock.check_stock(&CheckStock {
        sku: "B-1".into(),
        count: 3,
    }))
    .await
    .expect("rpc");
    assert!(!no.available);
    within(host.close()).await.expect("host close");
}
