//! Microsoft's product table downloaded (from a local server here): the
//! table is taken, through a redirect too; an error page, a table cut short
//! or a failed answer is refused, and the error says so.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use license_desk_core::ErrorCode;
use license_desk_files::catalog::SOURCE_CSV;
use license_desk_graph::product_table::download;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves `/table.csv` (the carried table with one product more),
/// `/moved` (a redirect to it), `/page` (HTML), `/cut` (20 lines of the
/// table) and 404 for anything else.
async fn server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = vec![0u8; 4096];
            let read = stream.read(&mut request).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&request[..read]).into_owned();
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let newer = format!(
                "{SOURCE_CSV}Contoso Copilot Add-on,CONTOSO_COPILOT,0f5d9d7b-3c36-4b6f-9a0d-2d9b7c1e5a11,COPILOT_X,1b2c3d4e-5f60-4718-89ab-cdef01234567,Copilot X\r\n"
            );
            let cut: String = SOURCE_CSV.lines().take(20).collect::<Vec<_>>().join("\r\n");
            let (status, extra, body) = match path.as_str() {
                "/table.csv" => ("200 OK", "", newer),
                "/moved" => ("302 Found", "Location: /table.csv\r\n", String::new()),
                "/page" => ("200 OK", "", "<html><body>Sorry</body></html>".to_owned()),
                "/cut" => ("200 OK", "", cut),
                _ => ("404 Not Found", "", String::new()),
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    base
}

#[tokio::test]
async fn the_table_is_taken_and_anything_else_refused() {
    let base = server().await;
    let table = download(&format!("{base}/table.csv")).await.unwrap();
    assert!(table.contains("CONTOSO_COPILOT"));
    let moved = download(&format!("{base}/moved")).await.unwrap();
    assert_eq!(moved, table, "a redirect is followed");

    for (path, says) in [
        ("/page", "not the table"),
        ("/cut", "not Microsoft's whole table"),
        ("/gone", "404"),
    ] {
        let error = download(&format!("{base}{path}")).await.unwrap_err();
        assert_eq!(error.code, ErrorCode::Network, "{path}");
        assert!(
            error.message.contains("names carried with License Desk are used"),
            "{path}: {}",
            error.message
        );
        let details = error.details.unwrap_or_default();
        assert!(details.contains(says), "{path}: {details}");
    }
}
