//! One GPS fix from `navigator.geolocation`, as a [`GpsFix`] with the
//! accuracy the phone reports. A missing fix never blocks the form: the
//! caller shows the message and the inspector carries on.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::PositionOptions;

use super::number;
use mopai_shared::model::GpsFix;

/// How long to wait for a fix; indoors a phone may never get one.
const TIMEOUT_MS: u32 = 30_000;

pub async fn locate() -> Result<GpsFix, String> {
    let geolocation = gloo::utils::window()
        .navigator()
        .geolocation()
        .map_err(|_| "此浏览器不支持定位".to_string())?;
    let options = PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(TIMEOUT_MS);
    options.set_maximum_age(60_000);
    let position = Promise::new(&mut |resolve, reject| {
        let asked = geolocation.get_current_position_with_error_callback_and_options(
            &resolve,
            Some(&reject),
            &options,
        );
        if let Err(e) = asked {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let position = JsFuture::from(position).await.map_err(why)?;
    let coords =
        Reflect::get(&position, &JsValue::from_str("coords")).unwrap_or(Object::new().into());
    let (Some(lat), Some(lon)) = (number(&coords, "latitude"), number(&coords, "longitude")) else {
        return Err("定位结果无法读取".into());
    };
    Ok(GpsFix {
        lat,
        lon,
        accuracy_m: number(&coords, "accuracy").unwrap_or(f64::NAN),
        taken_at: Some(crate::clock::now()),
    })
}

/// `GeolocationPositionError.code` in words.
fn why(error: JsValue) -> String {
    match number(&error, "code").map(|c| c as u32) {
        Some(1) => "未获准使用定位：请在浏览器设置中允许本站定位".into(),
        Some(2) => "暂时无法定位（信号弱），可稍后重试".into(),
        Some(3) => "定位超时，可到室外或稍后重试".into(),
        _ => format!("定位失败：{}", super::js_error(error)),
    }
}
