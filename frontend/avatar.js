// The card's 3D face (SPEC S8, S10): a default head built here in code, or the salesperson's own glTF/GLB.
// It idles (blinks, breathes, turns its head a little) and moves its mouth with the speech: `mouth()` gives
// 0…1 from the audio's loudness. Bundled with three.js by esbuild into static/vendor/salescard/avatar.js.
import {
  AmbientLight,
  Box3,
  BufferAttribute,
  CapsuleGeometry,
  Color,
  DirectionalLight,
  Group,
  HemisphereLight,
  Mesh,
  MeshStandardMaterial,
  PerspectiveCamera,
  Scene,
  SphereGeometry,
  TorusGeometry,
  Vector3,
  WebGLRenderer,
} from "three";

const SKIN = 0xf2c9a8;
const HAIR = 0x2b211c;
const SHIRT = 0x1f5fbf;

function material(color, roughness = 0.7) {
  return new MeshStandardMaterial({ color, roughness, metalness: 0.02 });
}

// A mouth with two morph targets made in code: "open" (the lips part vertically) and "wide" (they stretch).
function buildMouth() {
  const geometry = new TorusGeometry(0.16, 0.035, 10, 40);
  geometry.scale(1, 0.35, 0.6);
  const base = geometry.attributes.position.array;
  const open = new Float32Array(base.length);
  const wide = new Float32Array(base.length);
  for (let i = 0; i < base.length; i += 3) {
    const x = base[i];
    const y = base[i + 1];
    // Displacements (three's morph targets are relative): the lower lip drops more than the upper rises.
    open[i] = 0;
    open[i + 1] = y < 0 ? -0.11 * (1 - Math.abs(x) / 0.2) : 0.025 * (1 - Math.abs(x) / 0.2);
    open[i + 2] = 0;
    wide[i] = x * 0.25;
    wide[i + 1] = 0;
    wide[i + 2] = 0;
  }
  geometry.morphAttributes.position = [new BufferAttribute(open, 3, false), new BufferAttribute(wide, 3, false)];
  geometry.morphTargetsRelative = true;
  const lips = new Mesh(geometry, material(0xb8575a, 0.5));
  lips.morphTargetDictionary = { open: 0, wide: 1 };
  lips.morphTargetInfluences = [0, 0];
  // The dark inside of the mouth grows as the lips part.
  const inside = new Mesh(new SphereGeometry(0.15, 24, 12), material(0x3a1418, 0.9));
  inside.scale.set(1, 0.05, 0.25);
  const mouth = new Group();
  mouth.add(inside, lips);
  return {
    group: mouth,
    set(value) {
      lips.morphTargetInfluences[0] = value;
      lips.morphTargetInfluences[1] = value * 0.3;
      inside.scale.y = 0.05 + value * 0.6;
      inside.position.y = -value * 0.045;
    },
  };
}

function buildEye(side) {
  const eye = new Group();
  const white = new Mesh(new SphereGeometry(0.11, 24, 16), material(0xffffff, 0.3));
  const iris = new Mesh(new SphereGeometry(0.055, 20, 12), material(0x3b2a20, 0.4));
  iris.position.z = 0.075;
  const shine = new Mesh(new SphereGeometry(0.014, 8, 6), material(0xffffff, 0.1));
  shine.position.set(0.018, 0.02, 0.125);
  eye.add(white, iris, shine);
  eye.position.set(0.3 * side, 0.16, 0.79);
  return eye;
}

function buildDefaultHead() {
  const root = new Group();
  const head = new Group();
  const skin = material(SKIN, 0.65);

  const skull = new Mesh(new SphereGeometry(1, 64, 48), skin);
  skull.scale.set(0.86, 1.06, 0.92);
  const hair = new Mesh(new SphereGeometry(1.03, 64, 32, 0, Math.PI * 2, 0, Math.PI * 0.42), material(HAIR, 0.9));
  hair.scale.set(0.88, 1.08, 0.96);
  hair.rotation.x = -0.35;
  hair.position.set(0, 0.06, -0.04);
  const ears = [-1, 1].map((side) => {
    const ear = new Mesh(new SphereGeometry(0.16, 20, 16), skin);
    ear.scale.set(0.45, 1, 0.7);
    ear.position.set(0.85 * side, 0.05, -0.02);
    return ear;
  });
  const eyes = [buildEye(-1), buildEye(1)];
  const brows = [-1, 1].map((side) => {
    const brow = new Mesh(new CapsuleGeometry(0.025, 0.17, 4, 8), material(HAIR, 0.9));
    brow.rotation.z = Math.PI / 2 + side * 0.12;
    brow.position.set(0.3 * side, 0.36, 0.84);
    return brow;
  });
  const nose = new Mesh(new SphereGeometry(0.1, 20, 16), skin);
  nose.scale.set(0.75, 1.2, 0.9);
  nose.position.set(0, -0.08, 0.9);
  const mouth = buildMouth();
  mouth.group.position.set(0, -0.4, 0.84);
  mouth.group.rotation.x = -0.15;
  head.add(skull, hair, ...ears, ...eyes, ...brows, nose, mouth.group);

  const neck = new Mesh(new CapsuleGeometry(0.28, 0.5, 6, 20), skin);
  neck.position.y = -1.15;
  const shoulders = new Mesh(new CapsuleGeometry(0.55, 1.5, 8, 32), material(SHIRT, 0.8));
  shoulders.rotation.z = Math.PI / 2;
  shoulders.scale.set(1, 1, 0.55);
  shoulders.position.y = -1.85;
  root.add(neck, shoulders, head);
  return {
    root,
    head,
    setMouth: (value) => mouth.set(value),
    setBlink: (closed) => eyes.forEach((eye) => (eye.scale.y = 1 - 0.92 * closed)),
  };
}

// A salesperson's own model: fitted to the view; its mouth moves where it has a mouth/jaw morph target.
async function loadCustomHead(url) {
  const { GLTFLoader } = await import("three/examples/jsm/loaders/GLTFLoader.js");
  const gltf = await new GLTFLoader().loadAsync(url);
  const root = new Group();
  const model = gltf.scene;
  const box = new Box3().setFromObject(model);
  const size = box.getSize(new Vector3());
  const centre = box.getCenter(new Vector3());
  const scale = 2.4 / Math.max(size.x, size.y, size.z, 1e-6);
  model.scale.setScalar(scale);
  model.position.sub(centre.multiplyScalar(scale));
  root.add(model);
  const mouths = [];
  const blinks = [];
  model.traverse((node) => {
    const names = node.morphTargetDictionary;
    if (!names) return;
    for (const [name, index] of Object.entries(names)) {
      if (/jawopen|mouthopen|viseme_aa|^open$|mouth_open/i.test(name)) mouths.push([node, index]);
      if (/blink|eyesclosed|eye_close/i.test(name)) blinks.push([node, index]);
    }
  });
  return {
    root,
    head: model,
    setMouth: (value) => mouths.forEach(([node, index]) => (node.morphTargetInfluences[index] = value)),
    setBlink: (closed) => blinks.forEach(([node, index]) => (node.morphTargetInfluences[index] = closed)),
  };
}

export async function createAvatar(container, { modelUrl = null, mouth = () => 0 } = {}) {
  const canvas = document.createElement("canvas");
  const gl = canvas.getContext("webgl2") || canvas.getContext("webgl");
  if (!gl) throw new Error("WebGL is not available");
  const renderer = new WebGLRenderer({ canvas, context: gl, antialias: true, alpha: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  container.append(canvas);

  const scene = new Scene();
  const camera = new PerspectiveCamera(30, 1, 0.1, 50);
  camera.position.set(0, -0.2, 8.4);
  camera.lookAt(0, -0.75, 0);
  scene.add(new HemisphereLight(0xffffff, 0x8899aa, 1.2));
  scene.add(new AmbientLight(new Color(0xffffff), 0.35));
  const key = new DirectionalLight(0xffffff, 1.6);
  key.position.set(2, 3, 4);
  scene.add(key);

  const avatar = modelUrl ? await loadCustomHead(modelUrl) : buildDefaultHead();
  scene.add(avatar.root);

  const resize = () => {
    const { clientWidth: width, clientHeight: height } = container;
    renderer.setSize(width, height, false);
    camera.aspect = width / Math.max(height, 1);
    camera.updateProjectionMatrix();
  };
  new ResizeObserver(resize).observe(container);
  resize();

  let nextBlink = performance.now() + 1500;
  let blinkStart = -1;
  let open = 0;
  renderer.setAnimationLoop((now) => {
    const t = now / 1000;
    // Idle: a slow look around, a nod, breathing.
    avatar.head.rotation.y = Math.sin(t * 0.45) * 0.12 + Math.sin(t * 1.3) * 0.02;
    avatar.head.rotation.x = Math.sin(t * 0.6) * 0.04;
    avatar.root.position.y = Math.sin(t * 1.6) * 0.015;
    // Blink every 2–6 s, 150 ms each.
    if (now >= nextBlink && blinkStart < 0) blinkStart = now;
    if (blinkStart >= 0) {
      const phase = (now - blinkStart) / 150;
      avatar.setBlink(phase < 1 ? Math.sin(phase * Math.PI) : 0);
      if (phase >= 1) {
        blinkStart = -1;
        nextBlink = now + 2000 + Math.random() * 4000;
      }
    }
    // Speech: follow the loudness, opening fast and closing a little slower.
    const target = mouth();
    open += (target - open) * (target > open ? 0.6 : 0.3);
    avatar.setMouth(open);
    renderer.render(scene, camera);
  });
  return { renderer, scene };
}
