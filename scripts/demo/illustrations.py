"""Illustrations of the commodities for the demo's listing photos, drawn
with Pillow: a pile of the product on a table or a sack, several pieces
shaded by a light from the upper left, with a little texture.

Deterministic: each drawing takes a seed (random.Random), so the demo
uploads the same bytes on every run; nothing is fetched.  One function per
kind of commodity, sharing the primitives above them; `photo(category)`
picks the drawing of a commodity of scripts/demo (its category XML id) and
returns JPEG bytes.
"""
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1200, 900
# Where the light comes from: pieces are lighter towards the upper left
LIGHT = (-0.45, -0.6)


# Primitives

def mix(colour, other, t):
    "colour moved towards other by t (0 to 1)"
    return tuple(round(a + (b - a) * t) for a, b in zip(colour, other))


def lighter(colour, t):
    return mix(colour, (255, 255, 255), t)


def darker(colour, t):
    return mix(colour, (0, 0, 0), t)


def jitter(rng, colour, amount):
    """colour made lighter or darker at random by up to amount, its hue
    nearly kept"""
    shift = rng.randint(-amount, amount)
    return tuple(max(0, min(255, c + shift + rng.randint(-2, 2)))
        for c in colour)


def gradient(top, bottom, size=(WIDTH, HEIGHT)):
    "An image fading from top to bottom"
    column = Image.new('RGB', (1, 256))
    column.putdata([mix(top, bottom, y / 255) for y in range(256)])
    return column.resize(size, Image.BILINEAR)


def grain(image, rng, strength=18, scale=3):
    """image with a fine noise over it (film grain, fibres), from the seeded
    random bytes of rng"""
    w, h = image.size[0] // scale, image.size[1] // scale
    noise = Image.frombytes('L', (w, h), rng.randbytes(w * h)).resize(
        image.size, Image.BILINEAR)
    grey = Image.new('RGB', image.size, (128, 128, 128))
    return Image.blend(image, Image.composite(
            Image.new('RGB', image.size, (255, 255, 255)), grey, noise),
        strength / 255)


def vignette(image, strength=0.45):
    "image darkened towards its corners, as a lens does"
    w, h = image.size
    mask = Image.new('L', (w // 8, h // 8), 0)
    ImageDraw.Draw(mask).ellipse(
        (-w // 40, -h // 40, w // 8 + w // 40, h // 8 + h // 40), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(w // 60)).resize(
        image.size, Image.BILINEAR)
    dark = Image.blend(image, Image.new('RGB', image.size), strength)
    return Image.composite(image, dark, mask)


def wood(rng, colour=(150, 104, 64)):
    "A wooden table top: planks with grain lines"
    image = Image.new('RGB', (WIDTH, HEIGHT), colour)
    draw = ImageDraw.Draw(image)
    plank = HEIGHT // 4
    for top in range(0, HEIGHT, plank):
        tone = jitter(rng, colour, 14)
        draw.rectangle((0, top, WIDTH, top + plank), fill=tone)
        for _ in range(28):
            y = top + rng.uniform(4, plank - 4)
            wave, phase = rng.uniform(2, 7), rng.uniform(0, 6.3)
            points = [(x, y + wave * math.sin(x / rng.uniform(90, 160)
                        + phase)) for x in range(0, WIDTH + 40, 40)]
            draw.line(points, fill=darker(tone, rng.uniform(0.05, 0.18)),
                width=rng.randint(1, 3))
        draw.line((0, top, WIDTH, top), fill=darker(colour, 0.45), width=4)
    return grain(image.filter(ImageFilter.GaussianBlur(1.2)), rng, 14)


def jute(rng, colour=(176, 142, 92)):
    "A jute sack: a coarse weave of light and dark threads"
    image = Image.new('RGB', (WIDTH, HEIGHT), colour)
    draw = ImageDraw.Draw(image)
    step = 14
    for x in range(0, WIDTH, step):
        draw.line((x, 0, x, HEIGHT),
            fill=darker(jitter(rng, colour, 12), 0.12), width=5)
    for y in range(0, HEIGHT, step):
        draw.line((0, y, WIDTH, y),
            fill=lighter(jitter(rng, colour, 12), 0.1), width=6)
    return grain(image.filter(ImageFilter.GaussianBlur(1)), rng, 26, 2)


def ellipse_points(cx, cy, rx, ry, angle, n=24):
    "The polygon of an ellipse of radii rx, ry turned by angle (radians)"
    cos, sin = math.cos(angle), math.sin(angle)
    points = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x, y = rx * math.cos(t), ry * math.sin(t)
        points.append((cx + x * cos - y * sin, cy + x * sin + y * cos))
    return points


def shaded_ellipse(draw, cx, cy, rx, ry, angle, colour, steps=4,
        shine=0.35, outline=0.35):
    """An ellipse lit from the upper left: a dark rim, then smaller
    lighter ellipses moved towards the light"""
    draw.polygon(ellipse_points(cx, cy, rx, ry, angle),
        fill=darker(colour, outline))
    for step in range(steps):
        t = (step + 1) / steps
        shrink = 1 - 0.75 * t
        offset = 0.45 * t
        draw.polygon(ellipse_points(
                cx + LIGHT[0] * rx * offset, cy + LIGHT[1] * ry * offset,
                max(1, rx * (0.92 if step == 0 else shrink)),
                max(1, ry * (0.9 if step == 0 else shrink)), angle),
            fill=lighter(colour, shine * t) if step else colour)


def shadow(image, shapes, blur=10, offset=(10, 14), strength=110):
    """image with the soft shadow of shapes (polygons) cast down and to the
    right"""
    mask = Image.new('L', image.size, 0)
    draw = ImageDraw.Draw(mask)
    for points in shapes:
        draw.polygon([(x + offset[0], y + offset[1]) for x, y in points],
            fill=strength)
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    return Image.composite(Image.new('RGB', image.size, (20, 14, 8)), image,
        mask)


def spread(rng, count, box=(0, 0, WIDTH, HEIGHT), heap=None):
    """count positions in box, in drawing order (back to front), denser
    around the centre of a heap (cx, cy, radius) when given"""
    left, top, right, bottom = box
    positions = []
    while len(positions) < count:
        if heap:
            cx, cy, radius = heap
            r = radius * math.sqrt(rng.random())
            t = rng.uniform(0, 2 * math.pi)
            x, y = cx + r * math.cos(t) * 1.5, cy + r * math.sin(t) * 0.8
        else:
            x, y = rng.uniform(left, right), rng.uniform(top, bottom)
        if left - 40 <= x <= right + 40 and top - 40 <= y <= bottom + 40:
            positions.append((x, y))
    return sorted(positions, key=lambda p: p[1])


def spindle(start, end, width, bend=0.0, n=16):
    """The outline of a tapered body from start to end (a root, a banana),
    widest in its middle and bent sideways by bend (a fraction of its
    length)"""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    left, right = [], []
    for i in range(n + 1):
        t = i / n
        cx = x0 + (x1 - x0) * t + nx * bend * length * math.sin(math.pi * t)
        cy = y0 + (y1 - y0) * t + ny * bend * length * math.sin(math.pi * t)
        half = width / 2 * math.sin(math.pi * t) ** 0.6
        left.append((cx + nx * half, cy + ny * half))
        right.append((cx - nx * half, cy - ny * half))
    return left + right[::-1]


def scaled(points, factor, towards=(0, 0)):
    "points moved towards their centre by factor, then by towards"
    cx = sum(x for x, _ in points) / len(points)
    cy = sum(y for _, y in points) / len(points)
    return [(cx + (x - cx) * factor + towards[0],
            cy + (y - cy) * factor + towards[1]) for x, y in points]


def shaded_polygon(draw, points, colour, steps=4, shine=0.3, size=40):
    "A polygon lit from the upper left, like shaded_ellipse"
    draw.polygon(points, fill=darker(colour, 0.35))
    for step in range(steps):
        t = (step + 1) / steps
        factor = 0.94 if step == 0 else 1 - 0.65 * t
        draw.polygon(scaled(points, factor,
                (LIGHT[0] * size * 0.3 * t, LIGHT[1] * size * 0.3 * t)),
            fill=lighter(colour, shine * t) if step else colour)


def blob(rng, cx, cy, radius, lumps=9, roughness=0.25):
    "An irregular rounded outline (a lump, a heap)"
    phases = [rng.uniform(0, 2 * math.pi) for _ in range(3)]
    points = []
    for i in range(lumps * 4):
        t = 2 * math.pi * i / (lumps * 4)
        r = radius * (1 + roughness * (
                0.5 * math.sin(3 * t + phases[0])
                + 0.3 * math.sin(5 * t + phases[1])
                + 0.2 * math.sin(lumps * t + phases[2])))
        points.append((cx + r * math.cos(t), cy + r * math.sin(t) * 0.85))
    return points


def finish(image, rng):
    "The common last touches, then the JPEG bytes"
    image = vignette(grain(image, rng, 10, 2))
    data = io.BytesIO()
    image.save(data, 'JPEG', quality=84, optimize=True, progressive=True)
    return data.getvalue()


# The commodities

def _beans(rng, colour, count, size, roundness, background):
    "A layer of beans: each an oval with its centre cut"
    image = background
    positions = spread(rng, count, (-20, -20, WIDTH + 20, HEIGHT + 20))
    beans = []
    for x, y in positions:
        rx = size * rng.uniform(0.85, 1.15)
        beans.append((x, y, rx, rx * roundness * rng.uniform(0.9, 1.1),
                rng.uniform(0, math.pi), jitter(rng, colour, 14)))
    image = shadow(image, [ellipse_points(x, y, rx, ry, a)
            for x, y, rx, ry, a, _ in beans], blur=8, offset=(6, 9))
    draw = ImageDraw.Draw(image)
    for x, y, rx, ry, angle, tone in beans:
        shaded_ellipse(draw, x, y, rx, ry, angle, tone, shine=0.3)
        # The centre cut: a slightly S-shaped groove along the long axis
        cos, sin = math.cos(angle), math.sin(angle)
        cut = []
        for i in range(9):
            u = (i / 8 - 0.5) * 1.5 * rx
            v = ry * 0.12 * math.sin(i / 8 * 2 * math.pi)
            cut.append((x + u * cos - v * sin, y + u * sin + v * cos))
        draw.line(cut, fill=darker(tone, 0.5), width=max(2, int(ry / 6)))
        draw.line([(px - 2 * LIGHT[0], py - 2 * LIGHT[1]) for px, py in cut],
            fill=lighter(tone, 0.25), width=1)
    return image


def green_coffee(rng, colour=(128, 146, 102), roundness=0.72):
    "Green coffee beans over a jute sack"
    image = jute(rng)
    image = _beans(rng, darker(colour, 0.1), 180, 46, roundness, image)
    return _beans(rng, colour, 140, 50, roundness, image)


def arabica(rng):
    "Washed arabica: bluish green, elongated beans"
    return green_coffee(rng, (124, 148, 112), 0.66)


def robusta(rng):
    "Natural robusta: smaller, rounder, browner beans"
    return green_coffee(rng, (142, 136, 92), 0.8)


def rice(rng, colour=(242, 238, 226), length=28, slender=0.38, count=3600,
        translucent=False):
    "Rice grains heaped in a woven bamboo basket tray"
    image = Image.new('RGB', (WIDTH, HEIGHT), (120, 86, 50))
    draw = ImageDraw.Draw(image)
    # The basket: concentric woven rings
    cx, cy = WIDTH / 2, HEIGHT / 2 + 30
    for ring in range(40, 0, -1):
        r = ring * 17
        tone = (168, 128, 74) if ring % 2 else (140, 102, 56)
        draw.ellipse((cx - r * 1.2, cy - r * 0.78, cx + r * 1.2,
                cy + r * 0.78), fill=jitter(rng, tone, 8))
    image = grain(image, rng, 20)
    image = shadow(image, [ellipse_points(cx, cy, 560, 330, 0)], blur=30,
        offset=(0, 18), strength=130)
    draw = ImageDraw.Draw(image)
    grains = []
    for x, y in spread(rng, count, heap=(cx, cy, 380)):
        rx = length * rng.uniform(0.85, 1.1) / 2
        grains.append((x, y, rx, rx * slender, rng.uniform(0, math.pi)))
    for x, y, rx, ry, angle in grains:
        tone = jitter(rng, colour, 8)
        if translucent:
            tone = mix(tone, (205, 200, 180), rng.uniform(0, 0.5))
        shaded_ellipse(draw, x, y, rx, ry, angle, tone, steps=3,
            shine=0.45, outline=0.22)
    return image.filter(ImageFilter.SMOOTH)


def glutinous_rice(rng):
    "Sticky rice: opaque, chalk-white, plump grains"
    return rice(rng, (246, 244, 236), 24, 0.45)


def jasmine_rice(rng):
    "Jasmine rice: long, slender, slightly translucent grains"
    return rice(rng, (236, 232, 216), 32, 0.3, 3600, translucent=True)


def _cassava_roots(rng, image, roots):
    "Cassava roots: long brown tapering bodies, one cut to its white flesh"
    bark = (122, 78, 44)
    bodies = []
    for start, end, width, bend in roots:
        bodies.append(spindle(start, end, width, bend))
    image = shadow(image, bodies, blur=14, offset=(12, 16))
    draw = ImageDraw.Draw(image)
    for points, (start, end, width, bend) in zip(bodies, roots):
        tone = jitter(rng, bark, 12)
        shaded_polygon(draw, points, tone, size=width)
        # The bark's rings and scars
        (x0, y0), (x1, y1) = start, end
        for i in range(1, 14):
            t = i / 14 + rng.uniform(-0.02, 0.02)
            half = width / 2 * math.sin(math.pi * t) ** 0.6 * 0.8
            length = math.hypot(x1 - x0, y1 - y0)
            nx, ny = -(y1 - y0) / length, (x1 - x0) / length
            bx = x0 + (x1 - x0) * t + nx * bend * length * math.sin(
                math.pi * t)
            by = y0 + (y1 - y0) * t + ny * bend * length * math.sin(
                math.pi * t)
            draw.line((bx + nx * half, by + ny * half,
                    bx - nx * half * 0.6, by - ny * half * 0.6),
                fill=darker(tone, 0.3), width=2)
    # A cut root end, showing the white flesh and the thin peel
    start, end, width, _ = roots[0]
    x, y = start
    angle = math.atan2(end[1] - y, end[0] - x)
    draw.polygon(ellipse_points(x, y, width * 0.18, width * 0.46, angle),
        fill=(110, 70, 40))
    draw.polygon(ellipse_points(x, y, width * 0.15, width * 0.4, angle),
        fill=(236, 226, 200))
    draw.polygon(ellipse_points(x, y, width * 0.1, width * 0.3, angle),
        fill=(248, 242, 224))
    draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=(214, 196, 160))
    return image


def _powder_bowl(rng, image, colour, cx=430, cy=520):
    "A wooden bowl heaped with a fine powder"
    bowl = ellipse_points(cx, cy, 330, 200, 0, 48)
    image = shadow(image, [bowl], blur=24, offset=(18, 24), strength=140)
    draw = ImageDraw.Draw(image)
    draw.polygon(bowl, fill=(92, 58, 30))
    draw.polygon(ellipse_points(cx, cy - 8, 300, 172, 0, 48),
        fill=(150, 100, 58))
    heap = blob(rng, cx, cy - 40, 240, 11, 0.08)
    shaded_polygon(draw, heap, colour, steps=6, shine=0.5, size=240)
    # Lumps and the marks of the scoop on the powder
    for x, y in spread(rng, 90, heap=(cx - 30, cy - 60, 150)):
        r = rng.uniform(4, 11)
        shaded_ellipse(draw, x, y, r, r * 0.8, 0, darker(colour, 0.04),
            steps=2, shine=0.3, outline=0.08)
    return grain(image, rng, 12, 1)


def cassava(rng, powder=(246, 238, 218)):
    "Cassava roots beside a bowl of their flour"
    image = wood(rng)
    image = _powder_bowl(rng, image, powder)
    return _cassava_roots(rng, image, [
            ((760, 180), (1180, 430), 120, 0.08),
            ((700, 420), (1150, 760), 140, -0.06),
            ((820, 640), (1220, 880), 110, 0.1),
            ])


def cassava_flour(rng):
    return cassava(rng, (244, 236, 214))


def cassava_starch(rng):
    "Native starch: whiter, in squeaky lumps"
    image = cassava(rng, (252, 252, 248))
    draw = ImageDraw.Draw(image)
    for x, y in spread(rng, 14, (180, 700, 700, 860)):
        points = blob(rng, x, y, rng.uniform(14, 26), 6, 0.3)
        shaded_polygon(draw, points, (250, 250, 246), size=20)
    return image


def rubber_lumps(rng):
    "Cup lumps: rounded, dimpled lumps of coagulated latex, brown to cream"
    image = wood(rng, (110, 92, 70))
    lumps = []
    for x, y in spread(rng, 26, (60, 60, WIDTH - 60, HEIGHT - 40)):
        radius = rng.uniform(70, 110)
        lumps.append((blob(rng, x, y, radius, 7, 0.18), radius,
                mix((70, 50, 34), (210, 186, 140), rng.uniform(0, 0.7))))
    image = shadow(image, [p for p, _, _ in lumps], blur=16, offset=(14, 18))
    draw = ImageDraw.Draw(image)
    for points, radius, tone in lumps:
        shaded_polygon(draw, points, tone, steps=6, shine=0.28, size=radius)
        # The dimple of the cup's bottom and the pores of the rubber
        cx = sum(x for x, _ in points) / len(points)
        cy = sum(y for _, y in points) / len(points)
        draw.polygon(ellipse_points(cx + radius * 0.1, cy + radius * 0.1,
                radius * 0.42, radius * 0.3, rng.uniform(0, 1)),
            fill=darker(tone, 0.18))
        for _ in range(18):
            px = cx + rng.uniform(-0.6, 0.6) * radius
            py = cy + rng.uniform(-0.5, 0.5) * radius
            r = rng.uniform(1.5, 4)
            draw.ellipse((px - r, py - r, px + r, py + r),
                fill=darker(tone, 0.3))
    return image


def rubber_sheets(rng):
    "Ribbed smoked sheets hung over a bamboo pole"
    image = gradient((196, 186, 160), (120, 104, 80))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 120, WIDTH, 150), fill=(170, 150, 90))
    for i, left in enumerate(range(40, WIDTH - 200, 280)):
        tone = jitter(rng, (120, 70, 30), 14)
        top, bottom = 135, rng.randint(760, 860)
        sheet = [(left, top), (left + 240, top), (left + 250, bottom),
            (left - 10, bottom)]
        image = shadow(image, [sheet], blur=18, offset=(20, 10))
        draw = ImageDraw.Draw(image)
        draw.polygon(sheet, fill=tone)
        for y in range(top + 10, bottom, 12):
            draw.line((left, y, left + 244, y), fill=darker(tone, 0.2),
                width=3)
            draw.line((left, y + 5, left + 244, y + 5),
                fill=lighter(tone, 0.12), width=2)
        draw.rectangle((0, 120, WIDTH, 150), fill=(170, 150, 90))
    return image


def _banana(draw, start, end, width, bend, colour):
    "One banana: a bent spindle, its ridge lit, its tips brown"
    points = spindle(start, end, width, bend, 20)
    shaded_polygon(draw, points, colour, steps=4, shine=0.3, size=width)
    # The ridge along its length
    ridge = points[3:18]
    draw.line(ridge, fill=lighter(colour, 0.35), width=3)
    for point, size in [(start, 9), (end, 6)]:
        x, y = point
        draw.ellipse((x - size, y - size, x + size, y + size),
            fill=(70, 50, 30))
    return points


def bananas(rng):
    "Two hands of green-yellow Cavendish bananas on a table"
    image = wood(rng, (160, 120, 80))
    hands = []
    for crown, count, spread_angle, size in [
            ((380, 250), 6, 0.9, 520), ((640, 420), 7, 1.0, 540)]:
        fingers = []
        for i in range(count):
            angle = (-spread_angle / 2 + spread_angle * i / (count - 1)
                + 0.35 + rng.uniform(-0.04, 0.04))
            length = size * rng.uniform(0.9, 1.05)
            start = (crown[0] + i * 6, crown[1] + i * 4)
            end = (start[0] + length * math.cos(angle),
                start[1] + length * math.sin(angle))
            fingers.append((start, end, size * 0.2, -0.12))
        hands.append((crown, fingers))
    image = shadow(image, [spindle(s, e, w, b) for _, f in hands
            for s, e, w, b in f], blur=20, offset=(18, 22))
    draw = ImageDraw.Draw(image)
    for crown, fingers in hands:
        for start, end, width, bend in reversed(fingers):
            _banana(draw, start, end, width, bend,
                mix((150, 180, 60), (236, 210, 70), rng.uniform(0.3, 0.8)))
        # The crown where the hand was cut from the bunch
        x, y = crown
        shaded_polygon(draw, blob(rng, x + 10, y + 5, 40, 6, 0.15),
            (120, 140, 70), size=40)
        draw.polygon(ellipse_points(x - 20, y - 10, 22, 30, 0.6),
            fill=(200, 196, 150))
    return image


def _seeds(rng, image, colours, count, size, roundness, teardrop=False):
    "A layer of small seeds of the given colours"
    draw = ImageDraw.Draw(image)
    for x, y in spread(rng, count, heap=(WIDTH / 2, HEIGHT / 2, 480)):
        rx = size * rng.uniform(0.85, 1.15)
        angle = rng.uniform(0, math.pi)
        tone = jitter(rng, rng.choice(colours), 10)
        if teardrop:
            cos, sin = math.cos(angle), math.sin(angle)
            points = []
            for i in range(20):
                t = 2 * math.pi * i / 20
                u = rx * math.cos(t)
                # Narrower at one end: a sesame seed's drop
                v = rx * roundness * math.sin(t) * (0.75 + 0.25 * math.cos(t))
                points.append((x + u * cos - v * sin, y + u * sin + v * cos))
            shaded_polygon(draw, points, tone, steps=3, shine=0.35, size=rx)
        else:
            shaded_ellipse(draw, x, y, rx, rx * roundness, angle, tone,
                steps=4, shine=0.45)
    return image


def sesame(rng):
    "White and black sesame seeds on a dark plate"
    image = gradient((52, 44, 38), (28, 24, 20))
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 20, WIDTH - 60, HEIGHT - 20), fill=(40, 34, 30))
    image = _seeds(rng, image, [(238, 224, 196), (226, 208, 172)], 2300, 14,
        0.55, teardrop=True)
    return _seeds(rng, image, [(36, 30, 28), (58, 48, 40)], 700, 14, 0.55,
        teardrop=True)


def coix_seed(rng):
    "Coix seed (Job's tears): round pearly grains with a brown groove"
    image = jute(rng, (160, 128, 86))
    image = shadow(image, [ellipse_points(WIDTH / 2, HEIGHT / 2, 560, 330, 0)],
        blur=40, offset=(0, 0), strength=90)
    image = _seeds(rng, image, [(240, 234, 218), (232, 222, 200)], 900, 26,
        0.85)
    draw = ImageDraw.Draw(image)
    for x, y in spread(rng, 420, heap=(WIDTH / 2, HEIGHT / 2, 470)):
        draw.line((x - 8, y + 2, x + 8, y - 1), fill=(150, 110, 70), width=3)
    return image


def tea(rng):
    "Rolled tea leaves: small twisted dark green curls"
    image = wood(rng, (176, 140, 96))
    draw = ImageDraw.Draw(image)
    for x, y in spread(rng, 2600, heap=(WIDTH / 2, HEIGHT / 2, 440)):
        tone = jitter(rng, (58, 72, 40), 12)
        start = (x, y)
        angle = rng.uniform(0, math.pi)
        length = rng.uniform(22, 40)
        end = (x + length * math.cos(angle), y + length * math.sin(angle))
        shaded_polygon(draw, spindle(start, end, length * 0.35,
                rng.uniform(-0.25, 0.25), 8), tone, steps=2, size=8)
    return image


# The drawing of each commodity of the demo (its category's XML id)
DRAWINGS = {
    'coffee_arabica_green': arabica,
    'coffee_robusta_green': robusta,
    'rice_glutinous': glutinous_rice,
    'rice_jasmine': jasmine_rice,
    'cassava_flour': cassava_flour,
    'cassava_starch': cassava_starch,
    'natural_rubber': rubber_lumps,
    'rubber_sheet': rubber_sheets,
    'banana': bananas,
    'sesame': sesame,
    'coix_seed': coix_seed,
    'tea': tea,
    }


def photo(category, seed=None):
    """The JPEG bytes of the illustration of the commodity category (an XML
    id of DRAWINGS), the same for the same seed (by default the category)"""
    rng = random.Random(seed if seed is not None else category)
    return finish(DRAWINGS[category](rng), rng)


if __name__ == '__main__':
    # python -m scripts.demo.illustrations DIR: every drawing as DIR/*.jpg
    import os
    import sys
    folder = sys.argv[1] if len(sys.argv) > 1 else '.'
    os.makedirs(folder, exist_ok=True)
    for name in DRAWINGS:
        with open(os.path.join(folder, f'{name}.jpg'), 'wb') as file:
            file.write(photo(name))
